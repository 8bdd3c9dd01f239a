import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { drain, fundedLoan, openLendingApp, resetBorrowerSequence } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A portrait after a known history, made through the services: a loan of 6,000.00 over 3 months,
 * funded by two C5 investors with 3,000.00 each out of wallets of 100,000.00; the borrower spends
 * what was lent and misses the first instalment. Forty days of closes later, each portrait is read
 * through the API and checked field by field against the history (the contribution against the
 * ledger's income transfers tagged with the loan, a path the portraits step does not take).
 */
let t: TestApp;
let loanId: string;
let borrowerUser: TestUser;
let investor: TestUser;
let end: PlainDate;

beforeAll(async () => {
  t = await openLendingApp();
  resetBorrowerSequence();
  const funded = await fundedLoan(t, { amount: '6000.00', term: 3, investors: 2 });
  loanId = funded.loanId;
  borrowerUser = funded.borrower;
  investor = funded.investors[0]!;
  await drain(t, borrowerUser.userId);
  const start = await t.platform.batch.businessDate();
  end = addDays(start, 40);
  await closeTo(t, end);
});
afterAll(async () => {
  await t?.close();
});

async function portrait(userId: string) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/crm/portraits/${userId}`,
    headers: asAdmin,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('portraits after a known history', () => {
  it("shows the investor's habits, risk class, assets and no borrowing", async () => {
    const p = await portrait(investor.userId);
    const loan = await sql<{ grade: string }>`select grade from loans where id = ${loanId}`.execute(
      t.platform.db,
    );
    expect(p.asOf).toBe(end);
    expect(p.sections.investing).toMatchObject({
      count: 1,
      amount: { amount: '3000.00', currency: 'CNY' },
      count90: 1,
      amount90: { amount: '3000.00', currency: 'CNY' },
      count365: 1,
      perMonth: '0.1',
      grades: [loan.rows[0]!.grade],
      products: ['personal'],
      usualTerm: '3 month',
      autoInvest: false,
      marketplace: { count: 1, amount: { amount: '3000.00' } },
      wealth: { count: 0 },
    });
    expect(p.riskClass).toBe('C5');
    expect(p.riskHistory.map((r: { class: string }) => r.class)).toEqual(['C5']);
    // The borrower paid nothing, so the note is all outstanding: 97,000.00 + 3,000.00.
    expect(p.sections.assets).toMatchObject({
      wallet: { amount: '97000.00' },
      notes: { amount: '3000.00' },
      funds: { amount: '0.00' },
      aum: { amount: '100000.00' },
      band: '100k_500k',
    });
    expect(p.aumBand).toBe('100k_500k');
    expect(p.sections.borrowing).toMatchObject({ loans: 0, behaviour: 'none', worstDpd: 0 });
    expect(p.contribution).toEqual({ amount: '0.00', currency: 'CNY' });
    expect(p.sections.identity).toMatchObject({ channel: 'organic', kycLevel: 2 });
    expect(p.live.openSessions).toBeGreaterThanOrEqual(1);
    expect(p.who.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
  });

  it("shows the borrower's loan, the missed instalment, the worst delinquency and the income earned", async () => {
    const p = await portrait(borrowerUser.userId);
    const loan = await sql<{ dpd: number }>`select dpd from loans where id = ${loanId}`.execute(
      t.platform.db,
    );
    const dpd = Number(loan.rows[0]!.dpd);
    expect(dpd).toBeGreaterThan(0);
    expect(p.sections.borrowing).toMatchObject({
      loans: 1,
      active: 1,
      repaid: 0,
      amount: { amount: '6000.00' },
      currentDpd: dpd,
      worstDpd: dpd,
      latePeriods: 1,
      behaviour: 'delinquent',
    });
    expect(p.worstDpd).toBe(dpd);
    expect(p.sections.investing.count).toBe(0);
    expect(p.sections.assets.aum).toEqual({ amount: '0.00', currency: 'CNY' });
    expect(p.sections.identity).toMatchObject({ ageBand: '35-44', province: '11', city: '1101', sex: 'm' });
    // Income the ledger shows for this loan: every transfer into an income account naming it.
    const income = await sql<{ s: bigint }>`
      select coalesce(sum(t.amount), 0)::int8 as s from ledger_transfers t
      join ledger_accounts a on a.id = t.credit_account_id
      where a.code between 4001 and 4099 and t.user_data = ${loanId}`.execute(t.platform.db);
    expect(income.rows[0]!.s).toBeGreaterThan(0n);
    const cents = BigInt(p.contribution.amount.replace('.', ''));
    expect(cents).toBe(income.rows[0]!.s);
    expect(p.tags.rules).toContain('overdue_now');
  });

  it('lists customers by tag, masked, and refuses what is malformed', async () => {
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/crm/portraits?tag=overdue_now',
      headers: asAdmin,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((i: { userId: string }) => i.userId)).toEqual([borrowerUser.userId]);
    expect(list.json().items[0].who.realName).toBe('王*');
    const bad = await t.app.inject({ method: 'GET', url: '/v1/crm/portraits?class=D', headers: asAdmin });
    expect(bad.statusCode).toBe(400);
    const none = await t.app.inject({
      method: 'GET',
      url: `/v1/crm/portraits/${crypto.randomUUID()}`,
      headers: asAdmin,
    });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('portrait_not_found');
  });
});
