import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, Decimal, type PlainDate } from '../../src/kernel/index.ts';
import {
  checkInvariants,
  cny,
  drain,
  fund,
  fundedLoan,
  goTo,
  investments,
  loanOf,
  openLendingApp,
  runTo,
  wallet,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import { asAdmin } from '../support/platform.ts';

/**
 * Paying early: the next instalment before its date, part of what is due, a partial prepayment that
 * shortens the term or lowers the instalment, and paying the whole loan off.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

type Installment = { period: number; dueDate: string; principal: string; interest: string; status: string };
const post = (user: { headers: Record<string, string> }, url: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: user.headers, payload });

describe('prepayment and payoff', () => {
  it('pays the next instalment early, then part of what is due by the waterfall', async () => {
    const { loanId, borrower } = await fundedLoan(t, { amount: '6000.00', term: 6 });
    const early = await post(borrower, `/v1/me/loans/${loanId}/repayments`, { mode: 'next' });
    expect(early.statusCode, early.body).toBe(200);
    let view = await loanOf(t, borrower, loanId);
    expect(view.installments[0].status).toBe('paid');
    // On its due date nothing more is taken for it.
    const before = (await wallet(t, borrower)).balance.amount;
    await runTo(t, view.installments[0].dueDate);
    expect((await wallet(t, borrower)).balance.amount).toBe(before);
    // Period 2 falls due with an empty wallet: nothing is collected, and it is overdue the next day.
    await drain(t, borrower.userId);
    await runTo(t, view.installments[1].dueDate);
    const nextDay = new Date(Date.parse(`${view.installments[1].dueDate}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    await runTo(t, nextDay);
    view = await loanOf(t, borrower, loanId);
    expect(view.installments[1].status).toBe('overdue');
    // 10.00 by hand goes to the period's interest first (the waterfall: penalty, fee, interest, principal).
    await fund(t, borrower.userId, '10.00');
    const part = await post(borrower, `/v1/me/loans/${loanId}/repayments`, {
      mode: 'due',
      amount: cny('10.00'),
    });
    expect(part.statusCode, part.body).toBe(200);
    expect(part.json().allocated).toEqual([{ period: 2, kind: 'interest', amount: '10.00' }]);
    const tooMuch = await post(borrower, `/v1/me/loans/${loanId}/repayments`, {
      mode: 'due',
      amount: cny('99999.00'),
    });
    expect(tooMuch.json().error.code).toBe('amount_exceeds_due');
    await fund(t, borrower.userId, '2000.00');
    const rest = await post(borrower, `/v1/me/loans/${loanId}/repayments`, { mode: 'due' });
    expect(rest.statusCode, rest.body).toBe(200);
    view = await loanOf(t, borrower, loanId);
    expect(view.installments[1].status).toBe('paid');
    expect(view.due).toBe('0.00');
    const nothing = await post(borrower, `/v1/me/loans/${loanId}/repayments`, { mode: 'due' });
    expect(nothing.statusCode).toBe(422);
    expect(nothing.json().error.code).toBe('nothing_due');
    await checkInvariants(t);
  });

  it('shortens the term with a partial prepayment, charging interest to date and the fee', async () => {
    const { loanId, borrower } = await fundedLoan(t, { amount: '12000.00', term: 12 });
    await fund(t, borrower.userId, '5000.00');
    const before = await loanOf(t, borrower, loanId);
    await runTo(t, before.installments[1].dueDate); // two instalments collected
    const prepayDay = new Date(Date.parse(`${before.installments[1].dueDate}T00:00:00Z`) + 10 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    goTo(t, prepayDay);
    const overpay = await post(borrower, `/v1/me/loans/${loanId}/prepayments`, {
      principal: cny('20000.00'),
      option: 'shorten_term',
    });
    expect(overpay.json().error.code).toBe('prepayment_covers_loan');
    const response = await post(borrower, `/v1/me/loans/${loanId}/prepayments`, {
      principal: cny('3000.00'),
      option: 'shorten_term',
    });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    // 30/360: ten days of interest on 3,000.00 and a 1% fee.
    const interest = new Decimal(3000).times(before.loan.annualRate).times(10).div(360).toDecimalPlaces(2);
    expect(result.interest).toBe(interest.toFixed(2));
    expect(result.fee).toBe('30.00');
    expect(result.amount).toBe(new Decimal(3030).plus(interest).toFixed(2));
    const after = await loanOf(t, borrower, loanId);
    const future = after.installments.filter((i: Installment) => i.status === 'scheduled');
    expect(future.length).toBeLessThan(10);
    const level = new Decimal(before.installments[2].principal).plus(before.installments[2].interest);
    expect(new Decimal(future[0].principal).plus(future[0].interest).lte(level)).toBe(true);
    // What is left to fall due is exactly the principal outstanding.
    const left = future.reduce((a: Decimal, i: Installment) => a.plus(i.principal), new Decimal(0));
    expect(left.toFixed(2)).toBe(after.principalOutstanding);
    // Due dates keep their day of the month.
    expect(future[0].dueDate).toBe(before.installments[2].dueDate);
    await checkInvariants(t);
  });

  it('lowers the instalment and keeps the term, or refuses for an interest-first loan to shorten', async () => {
    const { loanId, borrower } = await fundedLoan(t, { amount: '12000.00', term: 12 });
    const before = await loanOf(t, borrower, loanId);
    goTo(t, before.installments[0].dueDate);
    await runTo(t, before.installments[0].dueDate);
    const response = await post(borrower, `/v1/me/loans/${loanId}/prepayments`, {
      principal: cny('2000.00'),
      option: 'lower_installment',
    });
    expect(response.statusCode, response.body).toBe(200);
    const after = await loanOf(t, borrower, loanId);
    const future = after.installments.filter((i: Installment) => i.status === 'scheduled');
    expect(future).toHaveLength(11);
    const oldLevel = new Decimal(before.installments[1].principal).plus(before.installments[1].interest);
    const newLevel = new Decimal(future[0].principal).plus(future[0].interest);
    expect(newLevel.lt(oldLevel)).toBe(true);
    await checkInvariants(t);

    const other = await fundedLoan(t, { amount: '6000.00', term: 3, method: 'interest_first' });
    const refused = await post(other.borrower, `/v1/me/loans/${other.loanId}/prepayments`, {
      principal: cny('1000.00'),
      option: 'shorten_term',
    });
    expect(refused.json().error.code).toBe('option_not_available');
  });

  it('pays a loan off with the quoted amount, leaving nothing owed and every note empty', async () => {
    const { loanId, borrower, investors } = await fundedLoan(t, { amount: '9000.00', term: 6 });
    await fund(t, borrower.userId, '2000.00');
    const before = await loanOf(t, borrower, loanId);
    await runTo(t, before.installments[0].dueDate);
    const payoffDay = new Date(Date.parse(`${before.installments[0].dueDate}T00:00:00Z`) + 15 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    goTo(t, payoffDay);
    const quote = (
      await t.app.inject({ method: 'GET', url: `/v1/me/loans/${loanId}/payoff`, headers: borrower.headers })
    ).json();
    const principal = new Decimal(quote.principal);
    expect(quote.interestToDate).toBe(
      principal.times(before.loan.annualRate).times(15).div(360).toDecimalPlaces(2).toFixed(2),
    );
    expect(quote.prepaymentFee).toBe(principal.times('0.01').toDecimalPlaces(2).toFixed(2));
    const balance = new Decimal((await wallet(t, borrower)).balance.amount);
    const response = await post(borrower, `/v1/me/loans/${loanId}/payoff`, {});
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().loanStatus).toBe('repaid');
    expect(balance.minus((await wallet(t, borrower)).balance.amount).toFixed(2)).toBe(quote.total);
    const after = await loanOf(t, borrower, loanId);
    expect(after.loan.status).toBe('repaid');
    expect(after.principalOutstanding).toBe('0.00');
    expect(after.installments).toHaveLength(1); // the periods not yet due are gone
    for (const person of investors) expect((await investments(t, person)).outstandingPrincipal).toBe('0.00');
    await checkInvariants(t);
    // Nothing can be paid on a closed loan.
    const again = await post(borrower, `/v1/me/loans/${loanId}/payoff`, {});
    expect(again.statusCode).toBe(409);
  });

  it('keeps a month-term bullet loan due at maturity after a partial prepayment', async () => {
    const personal = (await t.app.inject({ method: 'GET', url: '/v1/lending/products/personal' })).json();
    const saved = await t.app.inject({
      method: 'PUT',
      url: '/v1/lending/products/bullet-month',
      headers: asAdmin,
      payload: {
        config: { ...personal.current.config, name: 'Bullet, months', terms: [6], methods: ['bullet'] },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const { loanId, borrower } = await fundedLoan(t, {
      amount: '6000.00',
      term: 6,
      method: 'bullet',
      productId: 'bullet-month',
    });
    await fund(t, borrower.userId, '3000.00');
    const before = await loanOf(t, borrower, loanId);
    expect(before.installments).toHaveLength(1);
    const maturity = before.installments[0].dueDate;
    goTo(t, addDays(before.loan.startDate as PlainDate, 40));
    const response = await post(borrower, `/v1/me/loans/${loanId}/prepayments`, {
      principal: cny('2000.00'),
      option: 'lower_installment',
    });
    expect(response.statusCode, response.body).toBe(200);
    const after = await loanOf(t, borrower, loanId);
    const future = after.installments.filter((i: Installment) => i.status === 'scheduled');
    // Still one instalment at the original maturity: 4,000.00 with six months of interest on it.
    expect(future).toHaveLength(1);
    expect(future[0].dueDate).toBe(maturity);
    expect(future[0].principal).toBe('4000.00');
    expect(future[0].interest).toBe(
      new Decimal(4000).times(before.loan.annualRate).div(2).toDecimalPlaces(2).toFixed(2),
    );
    await checkInvariants(t);
  });
});
