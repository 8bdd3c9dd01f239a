import { describe, expect, it } from 'vitest';
import { aprByBisection } from '../../test/support/apr.ts';
import { CNY, Decimal, plainDate } from '../kernel/index.ts';
import { annualPercentageRate, borrowingCosts, loanApr, NO_COSTS, received } from './apr.ts';
import { buildSchedule } from './schedule.ts';

/**
 * The APR by the IRR method, on the figures of issue 16: 12,000.00 at 13.00% over 12 months of equal
 * instalments, a 2% upfront fee (240.00) and a 240.00 reserve contribution, both deducted from what
 * the borrower receives.
 */
const start = plainDate('2025-01-15');
const schedule = buildSchedule({
  principal: 1_200_000n,
  annualRate: new Decimal('0.13'),
  termMonths: 12,
  method: 'equal_installment',
  dayCount: '30/360',
  startDate: start,
  rounding: 'half_up',
  currency: CNY,
});
const apr = (costs: typeof NO_COSTS) =>
  annualPercentageRate({
    principal: 1_200_000n,
    costs,
    schedule,
    method: 'equal_installment',
    startDate: start,
  });

describe('the APR with every borrowing cost, by the IRR method', () => {
  it("reproduces the issue's figures: 0.130001 nominal, 0.168638 with the fee, 0.208439 with both deductions", () => {
    expect(schedule.installments[0]!.total).toBe(107_181n); // 1,071.81 a month
    expect(apr(NO_COSTS)).toBe('0.130001');
    expect(apr({ ...NO_COSTS, upfrontFee: 24_000n })).toBe('0.168638');
    expect(apr({ ...NO_COSTS, upfrontFee: 24_000n, reserveContribution: 24_000n })).toBe('0.208439');
    expect(received(1_200_000n, { ...NO_COSTS, upfrontFee: 24_000n, reserveContribution: 24_000n })).toBe(
      1_152_000n,
    );
  });

  it('is the monthly IRR × 12 (not compounded), checked here by bisection on the flows', () => {
    const both = apr({ ...NO_COSTS, upfrontFee: 24_000n, reserveContribution: 24_000n });
    expect(both).toBe(
      aprByBisection(
        '1152000',
        schedule.installments.map((i) => i.total.toString()),
      ),
    );
    // Compounded it would be 0.229551: a different figure, not the one disclosed.
    expect(new Decimal(both).div(12).plus(1).pow(12).minus(1).toFixed(6)).toBe('0.229551');
  });

  it('takes the fees from the product as disbursement does, and counts a fee with each instalment', () => {
    const product = {
      dayCount: '30/360' as const,
      rounding: 'half_up' as const,
      reserveRate: new Decimal('0.02'),
      periodFeeRate: new Decimal(0),
    };
    expect(borrowingCosts(1_200_000n, new Decimal('0.02'), product)).toEqual({
      upfrontFee: 24_000n,
      reserveContribution: 24_000n,
      periodFee: 0n,
    });
    const terms = {
      amount: 1_200_000n,
      annualRate: '0.13',
      upfrontFeeRate: '0.02',
      term: 12,
      termUnit: 'month' as const,
      method: 'equal_installment' as const,
    };
    expect(loanApr(terms, product, start)).toBe('0.208439');
    const withPeriodFee = loanApr(terms, { ...product, periodFeeRate: new Decimal('0.001') }, start);
    expect(new Decimal(withPeriodFee ?? '0').gt('0.208439')).toBe(true);
    // Deductions that take the whole amount (a loan listed before listings refused them): no APR.
    expect(loanApr({ ...terms, upfrontFeeRate: '0.98' }, product, start)).toBeNull();
  });

  it('annualises a bullet loan by its days: the cost over what was received × 365 / days', () => {
    const bullet = buildSchedule({
      principal: 1_000_000n,
      annualRate: new Decimal('0.1'),
      termDays: 73,
      method: 'bullet',
      dayCount: 'actual/365',
      startDate: start,
      rounding: 'half_up',
      currency: CNY,
    });
    expect(bullet.totalInterest).toBe(20_000n); // 10,000.00 × 10% × 73 / 365
    const rate = annualPercentageRate({
      principal: 1_000_000n,
      costs: { ...NO_COSTS, upfrontFee: 10_000n },
      schedule: bullet,
      method: 'bullet',
      startDate: start,
    });
    // 300.00 of cost on 9,900.00 received for 73 days (a fifth of a year): 15.1515...%.
    expect(rate).toBe(new Decimal(30_000).div(990_000).times(5).toFixed(6));
  });

  it('converges when the fees take nearly all the principal, and with no interest at all', () => {
    // 1,000.00 received against 1,071.81 a month: about 107% a month, and the flows agree.
    const heavy = new Decimal(apr({ ...NO_COSTS, upfrontFee: 1_100_000n })).div(12);
    const worth = schedule.installments.reduce(
      (a, i) => a.plus(new Decimal(i.total.toString()).div(heavy.plus(1).pow(i.period))),
      new Decimal(0),
    );
    expect(heavy.gt(1)).toBe(true);
    expect(worth.minus(100_000).abs().lt(1)).toBe(true); // within a cent, at six places of the APR
    const free = buildSchedule({
      principal: 1_200_000n,
      annualRate: new Decimal(0),
      termMonths: 12,
      method: 'equal_installment',
      dayCount: '30/360',
      startDate: start,
      rounding: 'half_up',
      currency: CNY,
    });
    const zero = annualPercentageRate({
      principal: 1_200_000n,
      costs: NO_COSTS,
      schedule: free,
      method: 'equal_installment',
      startDate: start,
    });
    expect(zero).toBe('0.000000');
  });
});
