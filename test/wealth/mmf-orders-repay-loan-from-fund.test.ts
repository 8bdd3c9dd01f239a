import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, fundedLoan, loanOf, openLendingApp, runTo } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  api,
  CLASS_ANSWERS,
  cents,
  closeTo,
  ledgerVerifies,
  mmfHolding,
  operationsStaff,
  subscribed,
  topUpLiquidity,
  walletCents,
  yuan,
} from '../support/wealth.ts';

/**
 * Repaying a loan instalment straight from the money-market fund: the borrower puts 3,000.00 of the
 * loan's proceeds into the fund and spends the rest; when the first instalment falls due, a quick
 * redemption of what is due and the repayment commit together; with nothing due, nothing moves.
 */
let t: TestApp;
let borrower: TestUser;
let loanId: string;

beforeAll(async () => {
  t = await openLendingApp();
  const loan = await fundedLoan(t, { amount: '6000.00', term: 3 });
  borrower = loan.borrower;
  loanId = loan.loanId;
  const assessed = await api(t, borrower).post('/v1/me/risk-assessment', { answers: CLASS_ANSWERS.c3 });
  expect(assessed.statusCode, assessed.body).toBe(200);
  await subscribed(t, borrower, '3000.00');
  await drain(t, borrower.userId);
  await closeTo(t, '2026-01-05');
  await topUpLiquidity(t, await operationsStaff(t), '10000.00');
});
afterAll(() => t?.close());

const units = async () => cents((await mmfHolding(t, borrower)).units.amount);

describe('repaying a loan from the money-market fund', () => {
  it('redeems what is due and repays it in one go', async () => {
    const first = (await loanOf(t, borrower, loanId)).installments[0];
    await runTo(t, first.dueDate);
    // What the loan says is due now, in cents: the first instalment's principal, interest and fee.
    const due = cents((await loanOf(t, borrower, loanId)).due);
    expect(due).toBe(cents(first.principal) + cents(first.interest) + cents(first.fee));
    expect(await units()).toBe(300000n);
    expect(await walletCents(t, borrower)).toBe(0n);

    const repaid = await api(t, borrower).post('/v1/wealth/mmf/repay', { loanId });
    expect(repaid.statusCode, repaid.body).toBe(200);
    expect(repaid.json().redemption).toMatchObject({
      mode: 'quick',
      purpose: 'loan_repayment',
      reference: loanId,
      amount: { amount: yuan(due) },
    });
    expect(await units()).toBe(300000n - due);
    expect(await walletCents(t, borrower)).toBe(0n);
    expect(cents((await loanOf(t, borrower, loanId)).due)).toBe(0n);

    const again = await api(t, borrower).post('/v1/wealth/mmf/repay', { loanId });
    expect(again.statusCode).toBe(422);
    expect(again.json().error.code).toBe('nothing_due');
    expect(await units()).toBe(300000n - due);
    await ledgerVerifies(t);
  });
});
