import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movement, rulesFiredFor, scan } from '../support/aml.ts';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * Compliance edits a threshold in the decision table: a draft copied from the rules in force, the
 * large-cash cell lowered to 30,000.00, published; the next scan uses it (and names its version),
 * the version before is retired, a published version cannot change, and every step is audited.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('an edited threshold in a new published version', () => {
  it('changes the outcome', async () => {
    const officer = await staffMember(t, ['compliance']);
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: officer.headers, ...(payload ? { payload } : {}) });
    const customer = await signUp(t);
    await movement(t, {
      userId: customer.userId,
      kind: 'top_up',
      amount: '35000.00',
      at: '2026-01-05T02:00:00Z',
    });
    await scan(t, '2026-01-05');
    expect(await rulesFiredFor(t, customer.userId)).toEqual([]);

    const listed = await call('GET', '/v1/aml/rule-sets');
    expect(listed.json().items.map((r: any) => [r.version, r.status])).toEqual([[1, 'published']]);
    const draft = await call('POST', '/v1/aml/rule-sets', { description: 'lower large-cash threshold' });
    expect(draft.statusCode, draft.body).toBe(201);
    const content = draft.json().content;
    const table = content.nodes.find((n: any) => n.type === 'decisionTableNode');
    const row = table.content.rules.find((r: any) => r._id === 'large-cash');
    row.cash = '>= 3000000';
    row.threshold = '"30000.00"';

    // A rule that names no known rule code is refused at publishing.
    const bad = structuredClone(content);
    bad.nodes.find((n: any) => n.type === 'decisionTableNode').content.rules[0].rule = '"made_up"';
    expect((await call('PUT', `/v1/aml/rule-sets/${draft.json().id}`, { content: bad })).statusCode).toBe(
      200,
    );
    const refused = await call('POST', `/v1/aml/rule-sets/${draft.json().id}/publish`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('rule_set_unknown_rule');

    expect((await call('PUT', `/v1/aml/rule-sets/${draft.json().id}`, { content })).statusCode).toBe(200);
    const published = await call('POST', `/v1/aml/rule-sets/${draft.json().id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ version: 2, status: 'published' });
    const after = await call('GET', '/v1/aml/rule-sets');
    expect(after.json().items.map((r: any) => [r.version, r.status])).toEqual([
      [2, 'published'],
      [1, 'retired'],
    ]);
    const frozen = await call('PUT', `/v1/aml/rule-sets/${draft.json().id}`, { content });
    expect(frozen.statusCode).toBe(409);
    expect(frozen.json().error.code).toBe('rule_set_not_draft');

    // The same history under version 2 fires on the next day's movements.
    await movement(t, {
      userId: customer.userId,
      kind: 'top_up',
      amount: '30000.00',
      at: '2026-01-06T02:00:00Z',
    });
    const result = await scan(t, '2026-01-06');
    expect(result.opened.map((o) => [o.customerId, o.rule])).toEqual([[customer.userId, 'large_cash']]);
    expect((result as any).ruleSetVersion).toBe(2);

    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/audit?limit=200',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' },
    });
    const actions = (audit.json().items as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['aml.rule_set_drafted', 'aml.rule_set_edited', 'aml.rule_set_published']),
    );
  });
});
