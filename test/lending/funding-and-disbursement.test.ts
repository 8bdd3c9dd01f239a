import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/index.ts';
import {
  applyFor,
  bid,
  borrower,
  checkInvariants,
  cny,
  investments,
  investor,
  loanOf,
  openLendingApp,
  wallet,
} from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';

/**
 * A borrower applies, the listing is funded by several investors (the last bid cut to what
 * remained), and the full listing is disbursed: notes, fees, the reserve contribution, the schedule
 * and the contract.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

describe('a listing funded by many investors and disbursed', () => {
  it('lists an approved application, freezes bids, cuts the last one, and disburses when full', async () => {
    const b = await borrower(t);
    const { loanId, body } = await applyFor(t, b, { amount: cny('10000.00'), term: 12 });
    expect(body.application.status).toBe('listed');
    expect(body.loan).toMatchObject({
      status: 'listing',
      amount: { amount: '10000.00' },
      acceptingManualBids: true,
    });
    expect(body.loan.borrower.name).toBe('王*');

    const listing = await t.app.inject({ method: 'GET', url: `/v1/lending/listings/${loanId}` });
    expect(listing.statusCode, listing.body).toBe(200);
    expect(listing.json().schedule.installments).toHaveLength(12);

    const [i1, i2, i3] = [await investor(t), await investor(t), await investor(t)];
    const first = await bid(t, i1, loanId, '4000.00');
    expect(first.statusCode, first.body).toBe(201);
    expect((await wallet(t, i1)).frozen.amount).toBe('4000.00');
    expect((await wallet(t, i1)).available.amount).toBe('96000.00');

    // The cap is half the loan per investor: 1,000.00 more would pass it.
    const over = await bid(t, i1, loanId, '1050.00');
    expect(over.statusCode).toBe(422);
    expect(over.json().error.code).toBe('investor_limit_exceeded');
    const step = await bid(t, i2, loanId, '1025.00');
    expect(step.json().error.code).toBe('investment_step');
    const small = await bid(t, i2, loanId, '10.00');
    expect(small.json().error.code).toBe('below_minimum_investment');
    const own = await bid(t, b, loanId, '100.00');
    expect(own.statusCode).toBe(422);

    expect((await bid(t, i2, loanId, '4000.00')).statusCode).toBe(201);
    await checkInvariants(t);
    const last = await bid(t, i3, loanId, '5000.00');
    expect(last.statusCode, last.body).toBe(201);
    expect(last.json().bid.amount.amount).toBe('2000.00');
    expect(last.json().listingFull).toBe(true);
    expect((await wallet(t, i3)).balance.amount).toBe('98000.00');
    expect((await wallet(t, i3)).frozen.amount).toBe('0.00');

    // Disbursed: 10,000.00 less the upfront fee (priced by the risk decision) and the 2% reserve contribution.
    const view = await loanOf(t, b, loanId);
    const upfront = new Decimal(10000).times(view.loan.upfrontFeeRate).toDecimalPlaces(2);
    expect(upfront.gt(0)).toBe(true);
    expect((await wallet(t, b)).balance.amount).toBe(new Decimal(10000).minus(upfront).minus(200).toFixed(2));
    expect(view.loan.status).toBe('active');
    expect(view.principalOutstanding).toBe('10000.00');
    expect(view.installments).toHaveLength(12);
    // The level payment by the annuity formula, worked here independently: P·r / (1 − (1 + r)^−n).
    const r = new Decimal(view.loan.annualRate).div(12);
    const level = new Decimal(10000)
      .times(r)
      .div(new Decimal(1).minus(r.plus(1).pow(-12)))
      .toDecimalPlaces(2);
    const interest1 = new Decimal(10000).times(r).toDecimalPlaces(2);
    expect(view.installments[0]).toMatchObject({
      status: 'scheduled',
      interest: interest1.toFixed(2),
      principal: level.minus(interest1).toFixed(2),
    });
    const mine = await investments(t, i1);
    expect(mine.notes).toHaveLength(1);
    expect(mine.notes[0]).toMatchObject({ originalPrincipal: '4000.00', outstandingPrincipal: '4000.00' });
    expect(mine.invested).toBe('4000.00');
    // 40% of each future instalment's interest, each split exactly (largest remainder) among the notes,
    // less the 10% service fee: what the investor will receive.
    const totalInterest = view.installments.reduce(
      (a: Decimal, i: { interest: string }) => a.plus(i.interest),
      new Decimal(0),
    );
    expect(
      new Decimal(mine.interestToCome).minus(totalInterest.times('0.4').times('0.9')).abs().lte('0.12'),
    ).toBe(true);

    const contract = await t.app.inject({
      method: 'GET',
      url: `/v1/lending/loans/${loanId}/contract`,
      headers: asAdmin,
    });
    expect(contract.statusCode, contract.body).toBe(200);
    expect(contract.json().parties.lenders).toHaveLength(3);
    expect(contract.json().terms.amount).toBe('10000.00');
    expect(contract.json().digest).toMatch(/^[0-9a-f]{64}$/);

    const reserve = await t.app.inject({ method: 'GET', url: '/v1/lending/reserve', headers: asAdmin });
    expect(reserve.json().balance.amount).toBe('200.00');
    await checkInvariants(t);

    const closed = await bid(t, i3, loanId, '100.00');
    expect(closed.statusCode).toBe(409);
    expect(closed.json().error.code).toBe('listing_closed');
  });

  it('refuses an investor without a risk assessment, or whose class is below the loan level', async () => {
    const b = await borrower(t);
    const { loanId } = await applyFor(t, b, { amount: cny('5000.00'), term: 6 });
    const none = await investor(t, '1000.00', [1, 1, 1, 1, 1, 1, 1, 1]);
    const refused = await bid(t, none, loanId, '100.00');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('not_suitable');
    const poor = await investor(t, '50.00');
    const broke = await bid(t, poor, loanId, '100.00');
    expect(broke.json().error.code).toBe('insufficient_funds');
    const rows = await sql<{
      n: bigint;
    }>`select count(*)::bigint as n from loan_bids where loan_id = ${loanId}`.execute(t.platform.db);
    expect(rows.rows[0]!.n).toBe(0n);
    await checkInvariants(t);
  });
});
