import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMember } from '../support/credit.ts';
import { investor } from '../support/lending.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  at,
  closeThrough,
  createFund,
  defaultFundTerms,
  enterNav,
  subscribeTo,
} from '../support/wealth-funds.ts';

/**
 * NAVs: entered one at a time or imported from a CSV, all lines or none (every bad line named with
 * its number), re-importing the same values changes nothing, and a NAV that priced orders cannot
 * change (409). Customers see the funds on sale with their latest NAV and the NAV history.
 */
let t: TestApp;
let customer: TestUser;
let ops: TestUser;
let reader: TestUser;
let approver: TestUser;

const navCount = async () =>
  Number(
    (await sql<{ n: number }>`select count(*)::int as n from wealth_fund_navs`.execute(t.platform.db))
      .rows[0]!.n,
  );

const importCsv = (csv: string, headers: Record<string, string> = asAdmin, asText = false) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/wealth/ops/funds/navs/import',
    headers: asText ? { ...headers, 'content-type': 'text/csv' } : headers,
    ...(asText ? { body: csv } : { payload: { csv } }),
  });

beforeAll(async () => {
  t = await openTestApp();
  await createFund(t, '330033');
  await createFund(t, '440044', { terms: { platformDiscount: '1', settlementDays: 3 } });
  customer = await investor(t, '5000.00');
  ops = await staffMember(t, ['operations']);
  reader = await staffMember(t, ['finance']);
  approver = await staffMember(t, ['operations']);
  at(t, '2026-01-07', '09:00');
  await closeThrough(t, '2026-01-06'); // the business date is Wednesday 2026-01-07
}, 60_000);
afterAll(() => t.close());

describe('NAV import', () => {
  it('names every bad line and writes nothing', async () => {
    const csv = [
      'fund code,date,nav',
      '330033,2026-01-05,1.0123',
      '33003,2026-01-05,1.0000', // line 3: code malformed
      '330033,2026-01-03,1.0000', // line 4: a Saturday
      '330033,2026-01-08,1.0000', // line 5: after the business date
      '330033,2026-01-06,1.00001', // line 6: five places
      '550055,2026-01-06,1.0000', // line 7: no such fund
      '330033,2026-01-05,1.0124', // line 8: contradicts line 2
      '330033,2026-01-06', // line 9: two columns
      '440044,2026-02-30,0', // line 10: no such date, NAV zero
    ].join('\n');
    const response = await importCsv(csv);
    expect(response.statusCode, response.body).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('nav_import_invalid');
    expect(error.details.rows).toEqual([
      { line: 3, problems: ['fund_code_malformed'] },
      { line: 4, problems: ['not_a_trading_day'] },
      { line: 5, problems: ['nav_date_in_future'] },
      { line: 6, problems: ['nav_malformed'] },
      { line: 7, problems: ['fund_not_found'] },
      { line: 8, problems: ['conflicts_with_line_2'] },
      { line: 9, problems: ['columns_malformed'] },
      { line: 10, problems: ['date_malformed', 'nav_must_be_positive'] },
    ]);
    expect(await navCount()).toBe(0);
    const noHeader = await importCsv('330033,2026-01-05,1.0000');
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().error.details.rows).toEqual([{ line: 1, problems: ['header_malformed'] }]);
  });

  it('imports a good file (text/csv), and again is a no-op', async () => {
    const csv =
      'fund code,date,nav\r\n330033,2026-01-05,1.0123\r\n330033,2026-01-06,1.02\r\n440044,2026-01-06,2.5000\r\n';
    const first = await importCsv(csv, ops.headers, true);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ lines: 3, created: 3, changed: 0, unchanged: 0 });
    const again = await importCsv(csv, ops.headers, true);
    expect(again.json()).toEqual({ lines: 3, created: 0, changed: 0, unchanged: 3 });
    const stored = await sql<{ nav: string }>`select nav::text as nav from wealth_fund_navs
      where date = '2026-01-06' order by nav`.execute(t.platform.db);
    expect(stored.rows.map((r) => r.nav)).toEqual(['1.0200', '2.5000']);
    // Audited once (the no-op is not).
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log
      where action = 'wealth.fund_navs_imported'`.execute(t.platform.db);
    expect(audit.rows[0]!.n).toBe(1);
  });

  it('refuses customers and read-only staff', async () => {
    expect((await importCsv('fund code,date,nav\n', customer.headers)).statusCode).toBe(403);
    expect((await importCsv('fund code,date,nav\n', reader.headers)).statusCode).toBe(403);
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/wealth/ops/funds/orders',
      headers: reader.headers,
    });
    expect(list.statusCode, list.body).toBe(200);
  });

  it('changes a NAV no order used, and refuses to change one that priced orders', async () => {
    expect((await enterNav(t, '330033', '2026-01-06', '1.0300')).result).toBe('changed');
    at(t, '2026-01-07', '10:00');
    // The unknown-price rule: the day's NAV is not taken (nor shown) before its 15:00 cut-off.
    const early = await t.app.inject({
      method: 'POST',
      url: '/v1/wealth/ops/funds/navs',
      headers: asAdmin,
      payload: { fundCode: '330033', date: '2026-01-07', nav: '1.0400' },
    });
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json().error.code).toBe('nav_before_cut_off');
    expect((await subscribeTo(t, customer, '330033', '1000.00')).statusCode).toBe(201);
    await enterNav(t, '330033', '2026-01-07', '1.0400');
    await closeThrough(t, '2026-01-07');
    const single = await t.app.inject({
      method: 'POST',
      url: '/v1/wealth/ops/funds/navs',
      headers: asAdmin,
      payload: { fundCode: '330033', date: '2026-01-07', nav: '1.0500' },
    });
    expect(single.statusCode, single.body).toBe(409);
    expect(single.json().error.code).toBe('nav_in_use');
    const viaFile = await importCsv('fund code,date,nav\n330033,2026-01-07,1.0500\n440044,2026-01-07,2.6\n');
    expect(viaFile.statusCode).toBe(409);
    expect(await navCount()).toBe(4); // nothing of the file was written
    // The same value again is fine.
    expect((await enterNav(t, '330033', '2026-01-07', '1.04')).result).toBe('unchanged');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/wealth/ops/funds/navs',
      headers: asAdmin,
      payload: { fundCode: '330033', date: '2026-01-03', nav: '1.0000' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('not_a_trading_day');
  });

  it('shows customers the funds with the latest NAV, fees as charged, and the NAV history', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/v1/wealth/funds', headers: customer.headers });
    expect(list.statusCode, list.body).toBe(200);
    const fund = list.json().items.find((f: { fundCode: string }) => f.fundCode === '330033');
    expect(fund).toMatchObject({
      riskLevel: 'R3',
      latestNav: { date: '2026-01-07', nav: '1.0400' },
      settlementDays: 2,
      platformDiscount: '0.1',
    });
    expect(fund.subscriptionFeeTiers[0]).toEqual({
      upTo: { amount: '1000000.00', currency: 'CNY' },
      listedRate: '0.015',
      rate: '0.0015',
    });
    const detail = await t.app.inject({
      method: 'GET',
      url: `/v1/wealth/funds/${fund.id}?from=2026-01-01`,
      headers: customer.headers,
    });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().history).toEqual([
      { date: '2026-01-05', nav: '1.0123' },
      { date: '2026-01-06', nav: '1.0300' },
      { date: '2026-01-07', nav: '1.0400' },
    ]);
    const badDate = await t.app.inject({
      method: 'GET',
      url: '/v1/wealth/funds/330033?from=2026-02-31',
      headers: customer.headers,
    });
    expect(badDate.statusCode).toBe(400);
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });

  it('a fund made through the products workflow: its terms checked, its accounts opened when published', async () => {
    const draft = (terms: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/wealth/ops/products',
        headers: ops.headers,
        payload: {
          code: '770077',
          kind: 'mutual_fund',
          nameZh: '工作流基金',
          nameEn: 'Workflow fund',
          riskLevel: 2,
          terms,
        },
      });
    const bad = await draft({ ...defaultFundTerms('770077'), settlementDays: 0 });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().error.code).toBe('terms_invalid');
    const created = await draft(defaultFundTerms('770077'));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    for (const [who, action] of [
      [approver, 'approve'],
      [ops, 'publish'],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/v1/wealth/ops/products/${id}/${action}`,
        headers: who.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const accounts = await t.platform.ledger.lookupAccounts([
      `wealth:${id}:units-issued`,
      `wealth:${id}:custody`,
      `wealth:${id}:pending`,
    ]);
    expect(accounts.map((a) => a.ledger)).toEqual(['FUND:770077', 'CNY', 'CNY']);
    const list = await t.app.inject({ method: 'GET', url: '/v1/wealth/funds', headers: customer.headers });
    expect(list.json().items.map((f: { fundCode: string }) => f.fundCode)).toContain('770077');
  });
});
