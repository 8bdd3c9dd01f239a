import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movement, openDate, scan } from '../support/aml.ts';
import { closeTo } from '../support/batch.ts';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * Who may see AML work: a customer and a legal staff member get 403 on every AML route; a compliance
 * officer works cases but does not manage rules. A scan run twice (by hand, then by day-close) opens
 * the alerts once.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const ROUTES: [string, string, object?][] = [
  ['GET', '/v1/aml/alerts'],
  ['GET', '/v1/aml/cases'],
  ['GET', '/v1/aml/rule-sets'],
  ['POST', '/v1/aml/scan', { date: '2026-01-05' }],
  ['POST', '/v1/aml/rule-sets', {}],
];

describe('AML access and an idempotent scan', () => {
  it('refuses customers and legal staff', async () => {
    const customer = await signUp(t);
    const legal = await staffMember(t, ['legal']);
    for (const who of [customer, legal])
      for (const [method, url, payload] of ROUTES) {
        const response = await t.app.inject({
          method: method as 'GET',
          url,
          headers: who.headers,
          ...(payload ? { payload } : {}),
        });
        expect(response.statusCode, `${method} ${url}`).toBe(403);
      }
    const officer = await staffMember(t, ['compliance']);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/aml/cases', headers: officer.headers })).statusCode,
    ).toBe(200);
  });

  it('opens the same alerts once however often the date is scanned', async () => {
    const customer = await signUp(t);
    await movement(t, {
      userId: customer.userId,
      kind: 'top_up',
      amount: '60000.00',
      at: '2026-01-05T02:00:00Z',
    });
    const first = await scan(t, '2026-01-05');
    expect(first.opened.map((o) => o.rule)).toEqual(['large_cash']);
    const second = await scan(t, '2026-01-05');
    expect(second.opened).toEqual([]);
    // Day-close scans the date again as its step compliance.aml-scan.
    openDate(t, '2026-01-05');
    await closeTo(t, '2026-01-05');
    const step = await sql<{ status: string }>`
      select status from batch_steps where step = 'compliance.aml-scan'`.execute(t.platform.db);
    expect(step.rows.map((r) => r.status)).toEqual(['done']);
    const alerts = await sql<{ n: number }>`select count(*)::int as n from aml_alerts`.execute(t.platform.db);
    expect(alerts.rows[0]!.n).toBe(1);
    const cases = await sql<{ n: number }>`select count(*)::int as n from aml_cases`.execute(t.platform.db);
    expect(cases.rows[0]!.n).toBe(1);
  });
});
