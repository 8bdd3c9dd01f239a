import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFor, borrower, cny, investor, openLendingApp, wallet } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import { acceptancesFor, as } from './contract-deal-support.ts';

/**
 * A bid that does not happen leaves no acceptance: one refused (the wallet cannot pay it) records
 * nothing, and one whose transaction fails after its acceptance was written takes the acceptance
 * with it, since both are written in the bid's own transaction.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

async function bidsOf(loanId: string, investorId: string) {
  const rows = await sql<{ n: bigint }>`select count(*)::bigint as n from loan_bids
    where loan_id = ${loanId}::uuid and investor_id = ${investorId}::uuid`.execute(t.platform.db);
  return Number(rows.rows[0]!.n);
}

describe('a refused bid', () => {
  it('records no acceptance, and an acceptance is undone with the bid it belongs to', async () => {
    const b = await borrower(t);
    const { loanId } = await applyFor(t, b, { amount: cny('10000.00'), term: 6 });
    expect((await acceptancesFor(t, 'loan', loanId)).map((a) => a.role)).toEqual(['borrower']);

    const poor = await investor(t, '100.00');
    const refused = await t.app.inject({
      method: 'POST',
      url: `/v1/lending/listings/${loanId}/bids`,
      headers: as(poor, 'PoorBrowser/1'),
      payload: { amount: cny('1000.00') },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().error.code).toBe('insufficient_funds');
    expect((await acceptancesFor(t, 'loan', loanId)).map((a) => a.role)).toEqual(['borrower']);

    // The contracts register fails just after writing the acceptance: the bid's transaction is
    // rolled back, the acceptance with it, and the investor's money is not frozen.
    const contracts = t.platform.compliance.contracts;
    let written = 0;
    t.platform.lending.onContracts({
      issued: async () => undefined,
      accepted: async (trx, acceptances) => {
        for (const acceptance of acceptances) await contracts.accept(trx, acceptance);
        written += acceptances.length;
        throw new Error('the register failed after the acceptance');
      },
    });
    const rich = await investor(t, '5000.00');
    const failed = await t.app.inject({
      method: 'POST',
      url: `/v1/lending/listings/${loanId}/bids`,
      headers: as(rich, 'RichBrowser/1'),
      payload: { amount: cny('1000.00') },
    });
    expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    expect(written).toBe(1);
    expect((await acceptancesFor(t, 'loan', loanId)).map((a) => a.role)).toEqual(['borrower']);
    expect(await bidsOf(loanId, rich.userId)).toBe(0);
    expect((await wallet(t, rich)).available.amount).toBe('5000.00');
  });
});
