import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, Decimal, type PlainDate } from '../../src/kernel/index.ts';
import { loanAccount } from '../../src/lending/index.ts';
import { cny, drain, fundedLoan, loanOf, openLendingApp, runTo, yuan } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * The public platform figures: recomputed from a small book of two loans, one of them overdue after
 * the day's run; read signed out; nothing about any one person in the body.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

const figures = async () => {
  const response = await t.app.inject({ method: 'GET', url: '/v1/lending/platform-figures' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
const principalOf = async (loanId: string) => {
  const account = await t.platform.ledger.getAccount(loanAccount.principal(loanId));
  return account!.debitsPosted - account!.creditsPosted;
};

describe('the platform figures', () => {
  let people: TestUser[] = [];
  let loans: string[] = [];

  it('are zero on an empty book, signed out', async () => {
    const empty = await figures();
    expect(empty).toMatchObject({
      lentPrincipal: cny('0.00'),
      loansFunded: 0,
      investors: 0,
      borrowers: 0,
      outstandingPrincipal: cny('0.00'),
      overduePrincipal: cny('0.00'),
      overdueRate: null,
      reserveCoverageOfOverdue: null,
      reserveCoverageOfOutstanding: null,
      businessDate: t.clock.businessDate(),
    });
  });

  it('recompute from two loans, one overdue after the day runs', async () => {
    const funded = await t.app.inject({
      method: 'POST',
      url: '/v1/lending/reserve/fund',
      headers: asAdmin,
      payload: { amount: cny('50000.00') },
    });
    expect(funded.statusCode, funded.body).toBe(204);
    const paying = await fundedLoan(t, { amount: '10000.00', term: 12, investors: 2 });
    const late = await fundedLoan(t, { amount: '6000.00', term: 6, investors: 3 });
    await drain(t, late.borrower.userId); // it cannot pay: overdue after its first due date
    people = [paying.borrower, late.borrower, ...paying.investors, ...late.investors];
    loans = [paying.loanId, late.loanId];

    const due = (await loanOf(t, late.borrower, late.loanId)).installments[0].dueDate as PlainDate;
    await runTo(t, addDays(due, 5));
    expect((await loanOf(t, late.borrower, late.loanId)).dpd).toBe(5);
    expect((await loanOf(t, paying.borrower, paying.loanId)).dpd).toBe(0);

    const f = await figures();
    expect(f.lentPrincipal).toEqual(cny('16000.00'));
    expect(f.loansFunded).toBe(2);
    expect(f.borrowers).toBe(2);
    expect(f.investors).toBe(5);
    // Balances are the ledger's: the paying loan has repaid part of its principal, the late one none.
    const owedPaying = await principalOf(paying.loanId);
    const owedLate = await principalOf(late.loanId);
    expect(owedLate).toBe(600000n);
    expect(owedPaying).toBeLessThan(1000000n);
    expect(f.outstandingPrincipal).toEqual(cny(yuan(owedPaying + owedLate)));
    expect(f.overduePrincipal).toEqual(cny('6000.00'));
    expect(f.overdueRate).toBe(new Decimal(6000).div(new Decimal(yuan(owedPaying + owedLate))).toFixed(4));
    const reserve = (
      await t.app.inject({ method: 'GET', url: '/v1/lending/reserve', headers: asAdmin })
    ).json();
    expect(f.reserveBalance).toEqual(reserve.balance);
    expect(new Decimal(f.reserveBalance.amount).gte(50000)).toBe(true);
    expect(f.reserveCoverageOfOverdue).toBe(new Decimal(reserve.balance.amount).div(6000).toFixed(4));
    expect(f.reserveCoverageOfOutstanding).toBe(
      new Decimal(reserve.balance.amount).div(f.outstandingPrincipal.amount).toFixed(4),
    );
    expect(f.businessDate).toBe(addDays(due, 5));
  });

  it('are kept for a minute, then recomputed', async () => {
    const first = await figures();
    await t.app.inject({
      method: 'POST',
      url: '/v1/lending/reserve/fund',
      headers: asAdmin,
      payload: { amount: cny('1000.00') },
    });
    const cached = await figures();
    expect(cached.asOf).toBe(first.asOf);
    expect(cached.reserveBalance).toEqual(first.reserveBalance);
    t.clock.advanceMs(61_000);
    const fresh = await figures();
    expect(new Decimal(fresh.reserveBalance.amount).minus(first.reserveBalance.amount).toFixed(2)).toBe(
      '1000.00',
    );
  });

  it('say nothing about any one person', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/lending/platform-figures' });
    expect(Object.keys(response.json()).sort()).toEqual(
      [
        'asOf',
        'borrowers',
        'businessDate',
        'investors',
        'lentPrincipal',
        'loansFunded',
        'outstandingPrincipal',
        'overduePrincipal',
        'overdueRate',
        'reserveBalance',
        'reserveCoverageOfOutstanding',
        'reserveCoverageOfOverdue',
      ].sort(),
    );
    expect(people.length).toBe(7);
    for (const person of people) {
      expect(response.body).not.toContain(person.userId);
      expect(response.body).not.toContain(person.phone);
    }
    for (const loanId of loans) expect(response.body).not.toContain(loanId);
    expect(response.body).not.toContain('王五');
  });
});
