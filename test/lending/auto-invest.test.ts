import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyFor,
  borrower,
  checkInvariants,
  cny,
  investor,
  openLendingApp,
  wallet,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Auto-invest (自动投标): matching investors are served when a listing opens, least recently served
 * first, within the auto-invest share of the listing, their amount per loan, the balance they keep
 * and their cap per borrower; manual bids open afterwards.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

const rule = (overrides: Record<string, unknown> = {}) => ({
  enabled: true,
  grades: ['A', 'B', 'C', 'D', 'E', 'F'],
  minRate: '0.05',
  maxRate: '0.24',
  minTerm: 1,
  maxTerm: 36,
  amountPerLoan: cny('1000.00'),
  keepBalance: cny('0.00'),
  maxPerBorrower: cny('5000.00'),
  ...overrides,
});

async function setRule(user: TestUser, overrides: Record<string, unknown> = {}) {
  const response = await t.app.inject({
    method: 'PUT',
    url: '/v1/me/auto-invest',
    headers: user.headers,
    payload: rule(overrides),
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function autoBidders(loanId: string): Promise<string[]> {
  const rows = await sql<{
    investor_id: string;
  }>`select investor_id from loan_bids where loan_id = ${loanId} and source = 'auto' order by created_at`.execute(
    t.platform.db,
  );
  return rows.rows.map((r) => r.investor_id);
}

describe('auto-invest', () => {
  it('serves auto-investors in turn, least recently served first, within the listing share', async () => {
    const investors = [
      await investor(t, '50000.00'),
      await investor(t, '50000.00'),
      await investor(t, '50000.00'),
    ];
    for (const person of investors) await setRule(person);
    // A 2,000.00 listing: half of it (1,000.00) is for auto-invest, one investor's amount per loan.
    const served: string[] = [];
    for (let round = 0; round < 6; round++) {
      const b = await borrower(t);
      const { loanId, body } = await applyFor(t, b, { amount: cny('2000.00'), term: 6 });
      expect(body.loan.acceptingManualBids).toBe(true);
      const bidders = await autoBidders(loanId);
      expect(bidders).toHaveLength(1);
      served.push(bidders[0]!);
    }
    const ids = investors.map((i) => i.userId);
    // Each served twice, and never the same investor twice in a row.
    for (const id of ids) expect(served.filter((s) => s === id)).toHaveLength(2);
    for (let k = 1; k < served.length; k++) expect(served[k]).not.toBe(served[k - 1]);
    expect(served.slice(3)).toEqual(served.slice(0, 3));
    await checkInvariants(t);
    for (const person of investors) await setRule(person, { enabled: false });
  });

  it('keeps the balance the investor asked to keep, respects the cap per borrower and the rule filters', async () => {
    const keeper = await investor(t, '1500.00');
    await setRule(keeper, { keepBalance: cny('1000.00') });
    const picky = await investor(t, '50000.00');
    await setRule(picky, { grades: ['A'], amountPerLoan: cny('500.00') });
    const capped = await investor(t, '50000.00');
    await setRule(capped, { maxPerBorrower: cny('300.00'), amountPerLoan: cny('800.00') });
    const b = await borrower(t);
    const { loanId } = await applyFor(t, b, { amount: cny('4000.00'), term: 6 });
    const bids = await sql<{
      investor_id: string;
      amount: bigint;
    }>`select investor_id, amount from loan_bids where loan_id = ${loanId} and source = 'auto'`.execute(
      t.platform.db,
    );
    const byInvestor = new Map(bids.rows.map((r) => [r.investor_id, r.amount]));
    expect(byInvestor.get(keeper.userId)).toBe(50000n); // 1,500.00 less the 1,000.00 kept
    expect(byInvestor.get(capped.userId)).toBe(30000n); // the cap per borrower
    expect(byInvestor.has(picky.userId)).toBe(false); // the grade is not A
    expect((await wallet(t, keeper)).available.amount).toBe('1000.00');
    await checkInvariants(t);
  });
});
