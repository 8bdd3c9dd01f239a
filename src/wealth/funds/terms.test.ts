import { Decimal as DecimalJs } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, type PlainDate } from '../../kernel/index.ts';
import {
  marketValueOf,
  priceRedemption,
  subscriptionFee,
  subscriptionRate,
  unitsFor,
  validateMutualFundTerms,
} from './terms.ts';

const D = DecimalJs.clone({ precision: 60 });
const terms = validateMutualFundTerms({
  fundCode: '000001',
  manager: 'M',
  subscriptionFeeTiers: [
    { upTo: '1000000.00', rate: '0.015' },
    { upTo: null, rate: '0.006' },
  ],
  platformDiscount: '0.1',
  redemptionFeeTiers: [
    { heldDaysUnder: 7, rate: '0.015' },
    { heldDaysUnder: null, rate: '0.005' },
  ],
  settlementDays: 1,
  minSubscription: '1.00',
});

describe('fund arithmetic, against decimal.js', () => {
  it('fee = amount − amount ÷ (1 + rate) half up; units = net ÷ NAV down to 0.01', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10_000_000_000_00n }),
        fc.integer({ min: 1, max: 99_999_999 }),
        (amount, navInt) => {
          const nav = new D(navInt).div(10_000).toFixed(4);
          const { effective } = subscriptionRate(terms, amount);
          const fee = subscriptionFee(amount, effective);
          const a = new D(amount.toString()).div(100);
          const expectedFee = a
            .minus(a.div(new D(effective.toFixed()).plus(1)))
            .toDecimalPlaces(2, DecimalJs.ROUND_HALF_UP);
          expect(fee.toString()).toBe(expectedFee.times(100).toFixed(0));
          const units = unitsFor(amount - fee, nav);
          const expectedUnits = a.minus(expectedFee).div(nav).toDecimalPlaces(2, DecimalJs.ROUND_DOWN);
          expect(units.toString()).toBe(expectedUnits.times(100).toFixed(0));
          expect(marketValueOf(units, nav)).toBeLessThanOrEqual(amount - fee);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('picks the tier by amount (below upTo) and applies the discount', () => {
    expect(subscriptionRate(terms, 99_999_999n).effective.toFixed()).toBe('0.0015');
    expect(subscriptionRate(terms, 100_000_000n).effective.toFixed()).toBe('0.0006');
  });

  it('prices FIFO parts and rounds the fee once', () => {
    const lots = [
      { confirmedOn: '2026-01-01' as PlainDate, units: 1_000n },
      { confirmedOn: '2026-01-10' as PlainDate, units: 1_000n },
    ];
    // 5.00 units already gone; 10.00 units now: 5.00 from the first lot (13 days), 5.00 from the second (4 days).
    const priced = priceRedemption(terms, lots, 500n, 1_000n, '1.2345', '2026-01-14' as PlainDate);
    expect(priced.parts.map((p) => [p.units, p.heldDays, p.rate])).toEqual([
      [500n, 13, '0.005'],
      [500n, 4, '0.015'],
    ]);
    expect(priced.gross).toBe(1235n); // 12.345 → 12.35
    // 5 × 1.2345 × 0.005 + 5 × 1.2345 × 0.015 = 0.0308625 + 0.0925875 = 0.12345 → 0.12
    expect(priced.fee).toBe(12n);
    expect(new Decimal('0.0308625').plus('0.0925875').toFixed()).toBe('0.12345');
  });
});
