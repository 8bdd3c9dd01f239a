import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/index.ts';
import { aprByBisection } from '../support/apr.ts';
import {
  applyFor,
  bid,
  borrower,
  checkInvariants,
  cny,
  investor,
  loanOf,
  openLendingApp,
  wallet,
} from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';

/**
 * A borrower of the `personal` product (an upfront fee priced by the risk decision, a 2% reserve
 * contribution, both deducted from the disbursement) is shown, beside the nominal rate, the APR of
 * all borrowing costs by the IRR method: on the application's decision, the listing, the loan and
 * the contract. The APR is worked out here independently, by bisection on the flows, from what the
 * borrower's wallet actually received.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

describe('the APR of all borrowing costs, beside the nominal rate', () => {
  it('reproduces the issue: 12,000.00 at 13% over 12 months, 240.00 fee and 240.00 reserve', async () => {
    const query = 'principal=12000.00&annualRate=0.13&term=12&method=equal_installment&start=2025-01-15';
    const get = (extra: string) =>
      t.app.inject({ method: 'GET', url: `/v1/lending/schedule-preview?${query}${extra}` });
    expect((await get('')).json().apr).toBe('0.130001');
    expect((await get('&upfrontFee=240.00')).json().apr).toBe('0.168638');
    const both = await get('&upfrontFee=240.00&reserveContribution=240.00');
    expect(both.statusCode, both.body).toBe(200);
    expect(both.json().apr).toBe('0.208439');

    const tooMuch = await get('&upfrontFee=6000.00&reserveContribution=6000.00');
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error.code).toBe('fee_out_of_range');
    const malformed = await get('&reserveContribution=2.5e2');
    expect(malformed.statusCode).toBe(400);
  });

  it('shows it on the decision, the listing, the loan and the contract, from what is paid out', async () => {
    const b = await borrower(t);
    const { loanId, body } = await applyFor(t, b, { amount: cny('12000.00'), term: 12 });
    const { decision, loan } = body;
    expect(loan.annualRate).toBe(new Decimal(decision.annualRate).toFixed(4));
    const upfrontFee = new Decimal(12000).times(loan.upfrontFeeRate).toDecimalPlaces(2);
    expect(upfrontFee.gt(0)).toBe(true);
    const received = new Decimal(12000).minus(upfrontFee).minus('240.00').toFixed(2);

    const listing = await t.app.inject({ method: 'GET', url: `/v1/lending/listings/${loanId}` });
    expect(listing.statusCode, listing.body).toBe(200);
    const { schedule } = listing.json();
    const expected = aprByBisection(
      received,
      schedule.installments.map((i: { total: string }) => i.total),
    );
    // Well above the nominal rate: both deductions count, not only the fee.
    expect(new Decimal(expected).minus(loan.annualRate).gt('0.06')).toBe(true);
    expect(decision.apr).toBe(expected);
    expect(loan.apr).toBe(expected);
    expect(listing.json().loan.apr).toBe(expected);
    expect(schedule.apr).toBe(expected);
    const listings = await t.app.inject({ method: 'GET', url: '/v1/lending/listings' });
    expect(listings.json().items.find((l: { id: string }) => l.id === loanId).apr).toBe(expected);

    for (const amount of ['6000.00', '6000.00']) {
      const response = await bid(t, await investor(t), loanId, amount);
      expect(response.statusCode, response.body).toBe(201);
    }
    // The wallet received exactly what the APR was worked out on.
    expect((await wallet(t, b)).balance.amount).toBe(received);
    const view = await loanOf(t, b, loanId);
    expect(view.loan.status).toBe('active');
    expect(view.loan.apr).toBe(expected);
    expect(view.loan.annualRate).toBe(loan.annualRate);
    const staff = await t.app.inject({ method: 'GET', url: `/v1/lending/loans/${loanId}`, headers: asAdmin });
    expect(staff.json().loan.apr).toBe(expected);
    const contract = await t.app.inject({
      method: 'GET',
      url: `/v1/lending/loans/${loanId}/contract`,
      headers: asAdmin,
    });
    expect(contract.statusCode, contract.body).toBe(200);
    expect(new Decimal(contract.json().terms.annualRate).eq(decision.annualRate)).toBe(true);
    expect(contract.json().terms).toMatchObject({
      apr: expected,
      upfrontFee: upfrontFee.toFixed(2),
      reserveContribution: '240.00',
    });
    await checkInvariants(t);
  });
});
