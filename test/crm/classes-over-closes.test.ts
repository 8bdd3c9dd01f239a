import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { drain, fund, fundedLoan, openLendingApp, resetBorrowerSequence } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';
import { newPhone, signUp, type TestUser } from '../support/users.ts';

/**
 * ABC classes over four closes, with the default rules then a changed one: a borrower whose loan
 * paid the platform an upfront fee is the only customer who contributed, so the top 5% (of four,
 * one) is them; a customer who receives 600,000.00 becomes A by assets, and falls back to C when the
 * money leaves; operations lower the assets threshold to 90,000.00 and the two investors (100,000.00
 * each) become A. Every change is a row with its reason; the summary counts the classes and their
 * revenue. Then a rule tag from a saved rule version, a staff tag, a relationship manager, and who may
 * do what.
 */
let t: TestApp;
let borrowerId: string;
let investors: TestUser[];
let rich: TestUser;
let operations: Record<string, string>;
let operationsId: string;
let finance: Record<string, string>;
let customer: TestUser;
let day: PlainDate;

async function staff(role: string): Promise<{ headers: Record<string, string>; userId: string }> {
  const phone = newPhone();
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/staff',
    headers: asAdmin,
    payload: { phone, password: 'staff-pass-123', displayName: `Staff ${role}`, roles: [role] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const signedIn = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-in',
    payload: { phone, password: 'staff-pass-123' },
  });
  expect(signedIn.statusCode, signedIn.body).toBe(200);
  return { headers: { authorization: `Bearer ${signedIn.json().token}` }, userId: created.json().userId };
}

async function closeNext(): Promise<PlainDate> {
  const date = await t.platform.batch.businessDate();
  await closeTo(t, date);
  return date;
}

async function get(url: string, headers: Record<string, string> = asAdmin) {
  const response = await t.app.inject({ method: 'GET', url, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const history = async (userId: string) =>
  (await get(`/v1/crm/classes/history/${userId}`)).items.map(
    (c: { fromClass: string | null; toClass: string; reason: string; businessDate: string }) =>
      `${c.businessDate} ${c.fromClass ?? '-'}>${c.toClass} ${c.reason}`,
  );

beforeAll(async () => {
  t = await openLendingApp();
  resetBorrowerSequence();
  const funded = await fundedLoan(t, { amount: '6000.00', term: 3, investors: 2 });
  borrowerId = funded.borrower.userId;
  investors = funded.investors;
  await drain(t, borrowerId);
  rich = await signUp(t);
  const ops = await staff('operations');
  operations = ops.headers;
  operationsId = ops.userId;
  finance = (await staff('finance')).headers;
  customer = rich;
});
afterAll(async () => {
  await t?.close();
});

describe('ABC classes over several closes', () => {
  it('classes the only contributor A and the rest C at the first close', async () => {
    day = await closeNext();
    expect(await history(borrowerId)).toEqual([`${day} ->A top_contribution`]);
    expect(await history(rich.userId)).toEqual([`${day} ->C rest`]);
    const change = (await get(`/v1/crm/classes/history/${borrowerId}`)).items[0];
    expect(change.detail).toMatchObject({ rank: 1, of: 4, aTopPercent: 5 });
    expect(BigInt(change.detail.contribution)).toBeGreaterThan(0n);
  });

  it('moves a customer to A by assets, and back to C when the money leaves', async () => {
    await fund(t, rich.userId, '600000.00');
    const second = await closeNext();
    await drain(t, rich.userId);
    const third = await closeNext();
    expect(await history(rich.userId)).toEqual([
      `${day} ->C rest`,
      `${second} C>A assets`,
      `${third} A>C rest`,
    ]);
    // Unchanged customers got no new row.
    expect(await history(borrowerId)).toHaveLength(1);
  });

  it('follows changed class rules from the next close, and sums the classes', async () => {
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/settings/class-rules',
      headers: operations,
      payload: { aTopPercent: 90, aAssets: '90000.00', bNextPercent: 20, windowMonths: 12 },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('class_rules_invalid');
    const changed = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/settings/class-rules',
      headers: operations,
      payload: { aTopPercent: 5, aAssets: '90000.00', bNextPercent: 20, windowMonths: 12 },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const fourth = await closeNext();
    for (const i of investors) expect((await history(i.userId)).at(-1)).toBe(`${fourth} C>A assets`);
    const summary = await get('/v1/crm/classes/summary', finance);
    const borrower = await get(`/v1/crm/portraits/${borrowerId}`);
    const byClass = Object.fromEntries(
      summary.classes.map((c: { class: string; customers: number; contribution: { amount: string } }) => [
        c.class,
        [c.customers, c.contribution.amount],
      ]),
    );
    expect(byClass).toEqual({
      A: [3, borrower.contribution.amount],
      B: [0, '0.00'],
      C: [1, '0.00'],
      unclassed: [0, '0.00'],
    });
    expect(summary.asOf).toBe(fourth);
    expect(summary.aWithoutManager).toBe(3);
  });
});

describe('tags and relationship managers', () => {
  it('tags by a saved rule version at the next close', async () => {
    const current = await get('/v1/crm/tags');
    expect(current.inForce.version).toBe(0);
    const content = structuredClone(current.inForce.content);
    const table = content.nodes.find((n: { type: string }) => n.type === 'decisionTableNode');
    table.content.rules.push({
      _id: 'note-holder',
      invested: '>= 300000',
      dpd: '',
      active: '',
      auto: '',
      aum: '',
      tag: '"invested_3k"',
    });
    const saved = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/tags/rule-sets',
      headers: operations,
      payload: { content, description: 'note holders of 3,000.00' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json().version).toBe(1);
    const broken = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/tags/rule-sets',
      headers: operations,
      payload: { content: { nodes: [], edges: [] } },
    });
    expect(broken.statusCode).toBe(400);
    await closeNext();
    const tagged = await get('/v1/crm/portraits?tag=invested_3k');
    expect(tagged.items.map((i: { userId: string }) => i.userId).sort()).toEqual(
      investors.map((i) => i.userId).sort(),
    );
  });

  it('puts and takes off a staff tag, with who and when', async () => {
    const url = `/v1/crm/portraits/${rich.userId}/tags`;
    const denied = await t.app.inject({ method: 'POST', url, headers: finance, payload: { tag: 'vip' } });
    expect(denied.statusCode).toBe(403);
    const added = await t.app.inject({ method: 'POST', url, headers: operations, payload: { tag: 'vip' } });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ tag: 'vip', addedBy: operationsId, removedAt: null });
    const again = await t.app.inject({ method: 'POST', url, headers: operations, payload: { tag: 'vip' } });
    expect(again.statusCode).toBe(409);
    const bad = await t.app.inject({ method: 'POST', url, headers: operations, payload: { tag: 'V I P' } });
    expect(bad.statusCode).toBe(400);
    expect((await get('/v1/crm/portraits?tag=vip')).items.map((i: { userId: string }) => i.userId)).toEqual([
      rich.userId,
    ]);
    const removed = await t.app.inject({
      method: 'POST',
      url: `${url}/remove`,
      headers: operations,
      payload: { tag: 'vip' },
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await get('/v1/crm/portraits?tag=vip')).items).toEqual([]);
    const p = await get(`/v1/crm/portraits/${rich.userId}`);
    expect(p.staffTagHistory).toMatchObject([{ tag: 'vip', addedBy: operationsId, removedBy: operationsId }]);
  });

  it('assigns a relationship manager to an A customer only', async () => {
    const before = await get('/v1/crm/managers', operations);
    expect(before.items.map((i: { userId: string }) => i.userId)).toContain(borrowerId);
    const toC = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/managers',
      headers: operations,
      payload: { userId: rich.userId, managerId: operationsId },
    });
    expect(toC.statusCode).toBe(422);
    expect(toC.json().error.code).toBe('not_class_a');
    const notStaff = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/managers',
      headers: operations,
      payload: { userId: borrowerId, managerId: rich.userId },
    });
    expect(notStaff.json().error.code).toBe('manager_not_staff');
    const assigned = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/managers',
      headers: operations,
      payload: { userId: borrowerId, managerId: operationsId },
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const after = await get('/v1/crm/managers', operations);
    expect(after.items.map((i: { userId: string }) => i.userId)).not.toContain(borrowerId);
    expect((await get(`/v1/crm/portraits/${borrowerId}`)).manager.managerId).toBe(operationsId);
  });

  it('lets no customer read portraits, and finance read but not change', async () => {
    const asCustomer = await t.app.inject({
      method: 'GET',
      url: `/v1/crm/portraits/${customer.userId}`,
      headers: customer.headers,
    });
    expect(asCustomer.statusCode).toBe(403);
    await get(`/v1/crm/portraits/${borrowerId}`, finance);
    const denied = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/managers',
      headers: finance,
      payload: { userId: borrowerId, managerId: operationsId },
    });
    expect(denied.statusCode).toBe(403);
  });
});
