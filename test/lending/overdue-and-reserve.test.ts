import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, Decimal, type PlainDate } from '../../src/kernel/index.ts';
import {
  checkInvariants,
  cny,
  drain,
  fund,
  fundedLoan,
  investments,
  loanOf,
  minor,
  openLendingApp,
  runTo,
  wallet,
} from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';

/**
 * A loan that falls 95 days behind: grace, penalty interest and the late fee, the delinquency
 * buckets, the reserve advancing the first instalment at 30 days past due and everything at 90, and
 * the borrower's later payment going to the reserve. Then a loan written off at 180 days with a
 * recovery, and a reserve too small to cover an advance.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

const reserve = async () =>
  (await t.app.inject({ method: 'GET', url: '/v1/lending/reserve', headers: asAdmin })).json();
const day = (date: string, n: number) => addDays(date as PlainDate, n);

describe('overdue loans and the risk reserve fund', () => {
  it('accrues penalties, ages the loan, advances at 30 and 90 days, and sends later payments to the reserve', async () => {
    const funded = await t.app.inject({
      method: 'POST',
      url: '/v1/lending/reserve/fund',
      headers: asAdmin,
      payload: { amount: cny('100000.00') },
    });
    expect(funded.statusCode, funded.body).toBe(204);
    const { loanId, borrower, investors } = await fundedLoan(t, { amount: '6000.00', term: 6, investors: 3 });
    await drain(t, borrower.userId);
    const plan = await loanOf(t, borrower, loanId);
    const due1 = plan.installments[0].dueDate as string;
    const i1 = plan.installments[0];
    const owed1 = new Decimal(i1.principal).plus(i1.interest);

    // Within the grace days (3): overdue, but no penalty yet.
    await runTo(t, day(due1, 3));
    let view = await loanOf(t, borrower, loanId);
    expect(view).toMatchObject({ dpd: 3, bucket: 'M1' });
    expect(view.installments[0].penalty).toBe('0.00');
    // Day 4: 0.05% of the overdue principal and interest, and the 20.00 late fee.
    await runTo(t, day(due1, 4));
    view = await loanOf(t, borrower, loanId);
    const dailyPenalty = owed1.times('0.0005').toDecimalPlaces(2);
    expect(view.installments[0].penalty).toBe(dailyPenalty.plus(20).toFixed(2));
    await checkInvariants(t);

    // Day 30: the reserve advances instalment 1 to the investors.
    const investorBefore = await Promise.all(
      investors.map(async (i) => new Decimal((await wallet(t, i)).balance.amount)),
    );
    const reserveBefore = new Decimal((await reserve()).balance.amount);
    await runTo(t, day(due1, 30));
    const advances = await sql<{ period: number; principal: bigint; interest: bigint; shortfall: bigint }>`
      select period, principal, interest, shortfall from loan_advances where loan_id = ${loanId} order by period`.execute(
      t.platform.db,
    );
    expect(advances.rows.map((r) => r.period)).toEqual([1]);
    expect(advances.rows[0]!.principal + advances.rows[0]!.interest).toBe(minor(owed1.toFixed(2)));
    expect(advances.rows[0]!.shortfall).toBe(0n);
    const gained = (
      await Promise.all(
        investors.map(async (i, k) =>
          new Decimal((await wallet(t, i)).balance.amount).minus(investorBefore[k]!),
        ),
      )
    ).reduce((a, b) => a.plus(b), new Decimal(0));
    const paidOut = reserveBefore.minus((await reserve()).balance.amount);
    expect(paidOut.toFixed(2)).toBe(owed1.toFixed(2)); // the reserve pays the whole instalment
    expect(gained.lt(owed1)).toBe(true); // investors get it less the service fee on the interest
    expect(owed1.minus(gained).lte(new Decimal(i1.interest).times('0.1').plus('0.03'))).toBe(true);
    const statement = await investments(t, investors[0]!);
    expect(new Decimal(statement.advancedReceived).gt(0)).toBe(true);
    const status = await reserve();
    expect(new Decimal(status.overduePrincipal.amount).gt(0)).toBe(true);
    expect(status.coverage).not.toBeNull();
    await checkInvariants(t);

    // Day 31: M2. Day 90: everything the investors still hold is bought by the reserve.
    await runTo(t, day(due1, 31));
    expect((await loanOf(t, borrower, loanId)).bucket).toBe('M2');
    await runTo(t, day(due1, 90));
    view = await loanOf(t, borrower, loanId);
    expect(view.bucket).toBe('M3');
    for (const person of investors) expect((await investments(t, person)).outstandingPrincipal).toBe('0.00');
    const all = await sql<{
      n: bigint;
    }>`select count(*)::bigint as n from loan_advances where loan_id = ${loanId} and period = -1`.execute(
      t.platform.db,
    );
    expect(all.rows[0]!.n).toBe(1n);
    await checkInvariants(t);

    // Day 95: M3+. The borrower pays what is due: it all goes to the reserve (and the penalties to the platform).
    await runTo(t, day(due1, 95));
    view = await loanOf(t, borrower, loanId);
    expect(view.bucket).toBe('M3+');
    const due = new Decimal(view.due);
    await fund(t, borrower.userId, due.toFixed(2));
    const reserveBeforePayment = new Decimal((await reserve()).balance.amount);
    const investorWallets = await Promise.all(
      investors.map(async (i) => (await wallet(t, i)).balance.amount),
    );
    const paid = await t.app.inject({
      method: 'POST',
      url: `/v1/me/loans/${loanId}/repayments`,
      headers: borrower.headers,
      payload: { mode: 'due' },
    });
    expect(paid.statusCode, paid.body).toBe(200);
    const penalties = (view.installments as { penalty: string }[]).reduce(
      (a, i) => a.plus(i.penalty),
      new Decimal(0),
    );
    const toReserve = new Decimal((await reserve()).balance.amount).minus(reserveBeforePayment);
    expect(toReserve.toFixed(2)).toBe(due.minus(penalties).toFixed(2));
    expect(await Promise.all(investors.map(async (i) => (await wallet(t, i)).balance.amount))).toEqual(
      investorWallets,
    );
    view = await loanOf(t, borrower, loanId);
    expect(view).toMatchObject({ dpd: 0, bucket: 'current', due: '0.00' });
    await checkInvariants(t);
  });

  it('writes a loan off at 180 days, and a later recovery goes to the reserve', async () => {
    const { loanId, borrower } = await fundedLoan(t, { amount: '3000.00', term: 3, investors: 2 });
    await drain(t, borrower.userId);
    const plan = await loanOf(t, borrower, loanId);
    const due1 = plan.installments[0].dueDate as string;
    await runTo(t, day(due1, 179));
    expect((await loanOf(t, borrower, loanId)).loan.status).toBe('active');
    await runTo(t, day(due1, 180));
    const view = await loanOf(t, borrower, loanId);
    expect(view.loan.status).toBe('written_off');
    expect(view.principalOutstanding).toBe('0.00');
    const writeOff = await sql<{
      principal: bigint;
    }>`select principal from loan_write_offs where loan_id = ${loanId}`.execute(t.platform.db);
    expect(writeOff.rows[0]!.principal).toBe(300000n);
    await checkInvariants(t);
    await fund(t, borrower.userId, '500.00');
    const before = new Decimal((await reserve()).balance.amount);
    const recovered = await t.app.inject({
      method: 'POST',
      url: `/v1/me/loans/${loanId}/recoveries`,
      headers: borrower.headers,
      payload: { amount: cny('500.00') },
    });
    expect(recovered.statusCode, recovered.body).toBe(200);
    expect(new Decimal((await reserve()).balance.amount).minus(before).toFixed(2)).toBe('500.00');
    await checkInvariants(t);
  });

  it('advances pro rata what it holds when the reserve is short, and records the shortfall', async () => {
    const own = await openLendingApp();
    try {
      const { loanId, borrower, investors } = await fundedLoan(own, {
        amount: '6000.00',
        term: 6,
        investors: 3,
      });
      await drain(own, borrower.userId);
      const held = (
        await (await own.app.inject({ method: 'GET', url: '/v1/lending/reserve', headers: asAdmin })).json()
      ).balance.amount;
      expect(held).toBe('120.00'); // only this loan's 2% contribution
      const plan = await loanOf(own, borrower, loanId);
      const before = await Promise.all(
        investors.map(async (i) => new Decimal((await wallet(own, i)).balance.amount)),
      );
      await runTo(own, day(plan.installments[0].dueDate, 30));
      const row = await sql<{ principal: bigint; interest: bigint; shortfall: bigint }>`
        select principal, interest, shortfall from loan_advances where loan_id = ${loanId}`.execute(
        own.platform.db,
      );
      const owed = minor(
        new Decimal(plan.installments[0].principal).plus(plan.installments[0].interest).toFixed(2),
      );
      expect(row.rows[0]!.principal + row.rows[0]!.interest).toBe(12000n);
      expect(row.rows[0]!.shortfall).toBe(owed - 12000n);
      const after = (
        await (await own.app.inject({ method: 'GET', url: '/v1/lending/reserve', headers: asAdmin })).json()
      ).balance.amount;
      expect(after).toBe('0.00');
      // Equal notes, equal shares of the 120.00 (to the cent).
      const gains = await Promise.all(
        investors.map(async (i, k) => new Decimal((await wallet(own, i)).balance.amount).minus(before[k]!)),
      );
      expect(gains.every((g) => g.minus(gains[0]!).abs().lte('0.01'))).toBe(true);
      expect(gains.every((g) => g.gt(0))).toBe(true);
      await checkInvariants(own);
    } finally {
      await own.close();
    }
  });
});
