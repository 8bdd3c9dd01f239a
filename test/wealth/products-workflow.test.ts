import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wealthAccount } from '../../src/wealth/index.ts';
import { staffMember } from '../support/credit.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { fixedTerms, nextCode, staffPost } from '../support/wealth-fixed.ts';

/**
 * A product's lifecycle: a draft written by one member of operations, edited by a second, refused
 * approval by both and by the admin token, approved by a third, published (its accounts opened),
 * seen by customers only then; every step audited with its before and after.
 */
describe('wealth products: draft, second-person approval, publication, audit', () => {
  let t: TestApp;
  let writer: TestUser;
  let editor: TestUser;
  let approver: TestUser;
  let finance: TestUser;
  let customer: TestUser;

  beforeAll(async () => {
    t = await openTestApp();
    writer = await staffMember(t, ['operations']);
    editor = await staffMember(t, ['operations']);
    approver = await staffMember(t, ['operations']);
    finance = await staffMember(t, ['finance']);
    customer = await signUp(t);
  });
  afterAll(() => t?.close());

  const get = (user: TestUser | { headers: Record<string, string> }, url: string) =>
    t.app.inject({ method: 'GET', url, headers: user.headers });

  it('walks a fixed-term product from draft to published, with a second approver and an audit trail', async () => {
    const today = await t.platform.batch.businessDate();
    const code = nextCode();
    const draft = {
      code,
      kind: 'fixed_term',
      nameZh: '九十天定期',
      nameEn: '90-day fixed term',
      riskLevel: 2,
      terms: fixedTerms(today),
    };
    expect((await staffPost(t, customer, '/v1/wealth/ops/products', draft)).statusCode).toBe(403);
    expect((await staffPost(t, finance, '/v1/wealth/ops/products', draft)).statusCode).toBe(403);

    const created = await staffPost(t, writer, '/v1/wealth/ops/products', draft);
    expect(created.statusCode, created.body).toBe(201);
    const product = created.json();
    expect(product).toMatchObject({
      code,
      status: 'draft',
      riskLevel: 'R2',
      createdBy: writer.userId,
      editedBy: [],
    });
    // Terms are stored canonically: amounts with two places, the default day count kept.
    expect(product.terms).toMatchObject({
      annualRate: '0.0385',
      dayCount: 'actual/365',
      minTotal: '20000.00',
    });
    const dup = await staffPost(t, editor, '/v1/wealth/ops/products', draft);
    expect([dup.statusCode, dup.json().error?.code]).toEqual([409, 'product_code_taken']);

    // Customers see drafts nowhere; finance (wealth:read) sees it among operations' products.
    expect(
      (await get(customer, '/v1/wealth/products')).json().items.map((p: { id: string }) => p.id),
    ).not.toContain(product.id);
    expect((await get(customer, `/v1/wealth/products/${product.id}`)).statusCode).toBe(404);
    expect((await get(customer, '/v1/wealth/ops/products')).statusCode).toBe(403);
    const seen = await get(finance, `/v1/wealth/ops/products/${code}`);
    expect([seen.statusCode, seen.json().id]).toEqual([200, product.id]);

    const edited = await t.app.inject({
      method: 'PUT',
      url: `/v1/wealth/ops/products/${product.id}`,
      headers: editor.headers,
      payload: { riskLevel: 3, nameEn: '90-day fixed term (edited)' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ riskLevel: 'R3', editedBy: [editor.userId], status: 'draft' });

    expect(
      (await staffPost(t, writer, `/v1/wealth/ops/products/${product.id}/publish`)).json().error?.code,
    ).toBe('product_not_approved');
    for (const who of [writer, editor, { headers: asAdmin } as unknown as TestUser]) {
      const refused = await staffPost(t, who, `/v1/wealth/ops/products/${product.id}/approve`);
      expect([refused.statusCode, refused.json().error?.code]).toEqual([409, 'second_approver_required']);
    }
    const approved = await staffPost(t, approver, `/v1/wealth/ops/products/${product.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approvedBy: approver.userId });
    const late = await t.app.inject({
      method: 'PUT',
      url: `/v1/wealth/ops/products/${product.id}`,
      headers: writer.headers,
      payload: { riskLevel: 1 },
    });
    expect([late.statusCode, late.json().error?.code]).toEqual([409, 'product_not_draft']);

    const published = await staffPost(t, writer, `/v1/wealth/ops/products/${product.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json().status).toBe('published');
    for (const account of [wealthAccount.raising(product.id), wealthAccount.interest(product.id)])
      expect(await t.platform.ledger.getAccount(account), account).toBeDefined();

    const list = await get(customer, '/v1/wealth/products?kind=fixed_term');
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(product.id);
    expect((await get(customer, '/v1/wealth/products?kind=mutual_fund')).json().items).toEqual([]);
    const ops = await get(finance, '/v1/wealth/ops/fixed');
    expect(
      ops.json().items.find((o: { product: { id: string } }) => o.product.id === product.id),
    ).toMatchObject({
      raise: { state: 'raising', open: true, raised: { amount: '0.00' }, progress: '0.00' },
    });
    expect((await get(customer, '/v1/wealth/ops/fixed')).statusCode).toBe(403);
    const byCode = await get(customer, `/v1/wealth/products/${code}`);
    expect([byCode.statusCode, byCode.json().id, byCode.json().createdBy]).toEqual([
      200,
      product.id,
      undefined,
    ]);

    // Raising has begun: the product cannot close while investors' money may be in it.
    const close = await staffPost(t, writer, `/v1/wealth/ops/products/${product.id}/close`);
    expect([close.statusCode, close.json().error?.code]).toEqual([409, 'product_has_open_positions']);

    const audit = await sql<{ action: string; actor_id: string; before: unknown; after: unknown }>`
      select action, actor_id, before, after from audit_log where subject_id = ${product.id} order by at, id`.execute(
      t.platform.db,
    );
    expect(audit.rows.map((r) => [r.action, r.actor_id])).toEqual([
      ['wealth.product_created', writer.userId],
      ['wealth.product_edited', editor.userId],
      ['wealth.product_approved', approver.userId],
      ['wealth.product_published', writer.userId],
    ]);
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
    expect(json(audit.rows[0]!.before ?? 'null')).toBeNull();
    expect(json(audit.rows[1]!.before)).toMatchObject({ riskLevel: 2 });
    expect(json(audit.rows[1]!.after)).toMatchObject({ riskLevel: 3 });
    expect(json(audit.rows[3]!.after)).toMatchObject({ status: 'published' });
  });

  it('withdraws a draft by closing it, audited; a closed product is closed for good', async () => {
    const today = await t.platform.batch.businessDate();
    const created = await staffPost(t, writer, '/v1/wealth/ops/products', {
      code: nextCode(),
      kind: 'fixed_term',
      nameZh: '撤回',
      nameEn: 'Withdrawn',
      riskLevel: 1,
      terms: fixedTerms(today),
    });
    const id = created.json().id;
    const closed = await staffPost(t, editor, `/v1/wealth/ops/products/${id}/close`);
    expect([closed.statusCode, closed.json().status]).toEqual([200, 'closed']);
    const again = await staffPost(t, editor, `/v1/wealth/ops/products/${id}/close`);
    expect([again.statusCode, again.json().error?.code]).toEqual([409, 'product_closed']);
    expect((await staffPost(t, approver, `/v1/wealth/ops/products/${id}/approve`)).statusCode).toBe(409);
    const audit = await sql<{
      action: string;
    }>`select action from audit_log where subject_id = ${id} order by at, id`.execute(t.platform.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['wealth.product_created', 'wealth.product_closed']);
  });
});
