import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/index.ts';
import { subscriptionFee as serverFee, unitsFor } from '../../src/wealth/funds/terms.ts';
import { type FeeTiers, subscriptionFee, unitsAt } from '../../web/src/areas/wealth/fees.ts';

/**
 * The fee and units the fund page shows before a subscription is confirmed (web/src/areas/wealth/
 * fees.ts) are the ones the server charges (src/wealth/funds/terms.ts), for any amount, tier rate and
 * NAV: the investor is never shown one figure and charged another.
 */
const fund = (rates: [string, string], upTo: string): FeeTiers => ({
  subscriptionFeeTiers: [
    { upTo: { amount: upTo }, rate: rates[0] },
    { upTo: null, rate: rates[1] },
  ],
});

const rateText = fc
  .tuple(fc.integer({ min: 0, max: 500_000 }), fc.integer({ min: 1, max: 8 }))
  .map(([n, places]) => new Decimal(n).div(new Decimal(10).pow(places + 2)).toFixed());

describe('the fund page computes the subscription fee as the server does', () => {
  it('fee by tier, half up, and units down at the NAV, for random amounts, rates and NAVs', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 100_000_000_000n }),
        rateText,
        rateText,
        fc.integer({ min: 1, max: 99_999 }),
        (amount, low, high, navTenThousandths) => {
          const upTo = 100_000_000n; // 1,000,000.00
          const shown = subscriptionFee(fund([low, high], '1000000.00'), amount);
          const rate = amount < upTo ? low : high;
          expect(shown.rate).toBe(rate);
          expect(shown.fee).toBe(serverFee(amount, new Decimal(rate)));
          const nav = `${Math.floor(navTenThousandths / 10_000)}.${String(navTenThousandths % 10_000).padStart(4, '0')}`;
          expect(unitsAt(amount - shown.fee, nav)).toBe(unitsFor(amount - shown.fee, nav));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('1,000.00 at 0.15% charged is a fee of 1.50 (1.4977… rounded half up)', () => {
    expect(subscriptionFee(fund(['0.0015', '0.0006'], '1000000.00'), 100_000n)).toEqual({
      rate: '0.0015',
      fee: 150n,
    });
  });
});
