import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CNY } from './currency.ts';
import { applyRate, Decimal, parseDecimal, roundToInteger } from './decimal.ts';
import { divideRounded, type RoundingMode } from './rounding.ts';

describe('divideRounded', () => {
  const cases: [bigint, bigint, RoundingMode, bigint][] = [
    [5n, 2n, 'half_up', 3n],
    [-5n, 2n, 'half_up', -3n],
    [5n, 2n, 'half_even', 2n],
    [7n, 2n, 'half_even', 4n],
    [-5n, 2n, 'half_even', -2n],
    [7n, 3n, 'down', 2n],
    [-7n, 3n, 'down', -2n],
    [7n, 3n, 'up', 3n],
    [-7n, 3n, 'up', -3n],
    [-7n, 3n, 'floor', -3n],
    [7n, 3n, 'floor', 2n],
    [-7n, 3n, 'ceiling', -2n],
    [7n, 3n, 'ceiling', 3n],
    [4n, 3n, 'half_up', 1n],
    [6n, 4n, 'half_up', 2n],
    [9n, -2n, 'half_up', -5n],
  ];
  it.each(cases)('%s / %s by %s is %s', (n, d, mode, expected) => {
    expect(divideRounded(n, d, mode)).toBe(expected);
  });

  it('agrees with decimal.js on every mode', () => {
    const modes: [RoundingMode, number][] = [
      ['half_up', Decimal.ROUND_HALF_UP],
      ['half_even', Decimal.ROUND_HALF_EVEN],
      ['down', Decimal.ROUND_DOWN],
      ['up', Decimal.ROUND_UP],
      ['floor', Decimal.ROUND_FLOOR],
      ['ceiling', Decimal.ROUND_CEIL],
    ];
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 8n }),
        fc.constantFrom(...modes),
        (n, d, [mode, rounding]) => {
          const expected = new Decimal(n.toString())
            .div(d.toString())
            .toDecimalPlaces(0, rounding as 0)
            .toFixed();
          expect(divideRounded(n, d, mode).toString()).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('applyRate', () => {
  it('turns a rate into money exactly, rounding once', () => {
    const daily = parseDecimal('0.0005');
    expect(daily.ok).toBe(true);
    if (!daily.ok) return;
    // 0.05% of 1,234.57 yuan = 0.617285 yuan → 0.62 half-up, 0.61 down.
    expect(applyRate(123457n, daily.value, 'half_up')).toBe(62n);
    expect(applyRate(123457n, daily.value, 'down')).toBe(61n);
    // A huge balance stays exact where a float would not: 9e16 yuan × 0.05%.
    expect(applyRate(9_000_000_000_000_000_00n, daily.value, 'half_up')).toBe(
      4_500_000_000_000_000_00n / 1000n,
    );
  });

  it('rounds a monthly rate of 12%/12 on 10,000.00 to 100.00', () => {
    const monthly = new Decimal('0.12').div(12);
    expect(applyRate(1_000_000n, monthly, 'half_up')).toBe(10_000n);
    expect(roundToInteger(new Decimal('2.5'), 'half_even')).toBe(2n);
    expect(CNY.exponent).toBe(2);
  });

  it('refuses malformed rates', () => {
    expect(parseDecimal('1e-3').ok).toBe(false);
    expect(parseDecimal('-0.1')).toEqual({ ok: false, error: 'decimal_must_not_be_negative' });
    expect(parseDecimal('0.1200').ok).toBe(true);
  });
});
