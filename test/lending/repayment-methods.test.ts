import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/index.ts';
import {
  checkInvariants,
  fund,
  fundedLoan,
  investments,
  loanOf,
  openLendingApp,
  runTo,
  wallet,
  yuan,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * Each repayment method through to the end by auto-debit on the due dates: every instalment is
 * collected, the loan closes as repaid, and what the investors received adds up, to the cent, to what
 * the borrower paid less the investor service fee.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

const sum = (values: string[]) => values.reduce((a, v) => a.plus(v), new Decimal(0));

describe.each([
  ['equal_installment', 6, 'personal'],
  ['equal_principal', 6, 'personal'],
  ['interest_first', 3, 'personal'],
  ['bullet', 30, 'short'],
])('a %s loan repaid by auto-debit', (method, term, productId) => {
  it('collects every instalment on its due date and closes the loan', async () => {
    const { loanId, borrower, investors } = await fundedLoan(t, {
      amount: '6000.00',
      term,
      method,
      productId,
      investors: 3,
    });
    const before = await loanOf(t, borrower, loanId);
    const scheduled = sum(
      before.installments.map((i: { principal: string; interest: string }) =>
        new Decimal(i.principal).plus(i.interest).toFixed(2),
      ),
    );
    expect(sum(before.installments.map((i: { principal: string }) => i.principal)).toFixed(2)).toBe(
      '6000.00',
    );
    if (method === 'interest_first') {
      expect(
        before.installments.slice(0, -1).every((i: { principal: string }) => i.principal === '0.00'),
      ).toBe(true);
    }
    if (method === 'bullet') {
      // 30 days of interest, actual/365, on the whole principal, with it at maturity.
      expect(before.installments).toHaveLength(1);
      const expected = new Decimal(6000).times(before.loan.annualRate).times(30).div(365).toDecimalPlaces(2);
      expect(before.installments[0].interest).toBe(expected.toFixed(2));
    }
    if (method === 'equal_principal') {
      expect(
        before.installments.slice(0, -1).every((i: { principal: string }) => i.principal === '1000.00'),
      ).toBe(true);
    }
    // The borrower's wallet holds the disbursement; top it up to cover the interest.
    await fund(t, borrower.userId, '1000.00');
    const startBalance = new Decimal((await wallet(t, borrower)).balance.amount);
    const investorsBefore = await Promise.all(
      investors.map(async (i) => new Decimal((await wallet(t, i)).balance.amount)),
    );
    // What each statement says is to come, net of the service fee, is what each investor then receives.
    const toCome = await Promise.all(investors.map(async (i) => (await investments(t, i)).interestToCome));
    for (const installment of before.installments) {
      await runTo(t, installment.dueDate);
      await checkInvariants(t);
    }
    const after = await loanOf(t, borrower, loanId);
    expect(after.loan.status).toBe('repaid');
    expect(after.installments.every((i: { status: string }) => i.status === 'paid')).toBe(true);
    expect(after.principalOutstanding).toBe('0.00');
    const paid = startBalance.minus((await wallet(t, borrower)).balance.amount);
    expect(paid.toFixed(2)).toBe(scheduled.toFixed(2));
    // Investors: principal back, interest less the 10% service fee (rounded per note and payment).
    const received = sum(
      await Promise.all(
        investors.map(async (i, k) =>
          new Decimal((await wallet(t, i)).balance.amount).minus(investorsBefore[k]!).toFixed(2),
        ),
      ),
    );
    const fees = await sql<{
      fees: bigint;
    }>`select coalesce(sum(amount), 0)::bigint as fees from ledger_transfers
      where code = 215 and user_data = ${loanId}`.execute(t.platform.db);
    expect(received.plus(yuan(fees.rows[0]!.fees)).toFixed(2)).toBe(scheduled.toFixed(2));
    const totalInterest = scheduled.minus(6000);
    expect(new Decimal(yuan(fees.rows[0]!.fees)).minus(totalInterest.times('0.1')).abs().lte('0.05')).toBe(
      true,
    );
    for (const [k, person] of investors.entries()) {
      const done = await investments(t, person);
      expect(done.interestReceived).toBe(toCome[k]);
      expect(done.interestToCome).toBe('0.00');
    }
    const statement = await investments(t, investors[0]!);
    expect(statement.notes[0]).toMatchObject({ outstandingPrincipal: '0.00', loanStatus: 'repaid' });
    expect(new Decimal(statement.xirr).gt(0)).toBe(true);
  });
});
