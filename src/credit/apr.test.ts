import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aprByBisection } from '../../test/support/apr.ts';
import { plainDate } from '../kernel/index.ts';
import { drawApr, firstTakesRemainder, instalmentApr } from './apr.ts';

const start = plainDate('2026-01-05');

describe("a line's APRs", () => {
  it('splits equally to the cent, the remainder in the first part', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 1, max: 36 }),
        (total, parts) => {
          const split = firstTakesRemainder(total, parts);
          expect(split.reduce((a, b) => a + b, 0n)).toBe(total);
          expect(new Set(split.slice(1)).size).toBeLessThanOrEqual(1);
          expect(split[0]! - (split[1] ?? split[0]!)).toBeLessThan(BigInt(parts));
        },
      ),
    );
  });

  it('shows a draw at 0.03% a day as 10.95% a year, with no fee', () => {
    expect(drawApr('0.0003', start)).toBe('0.109500');
  });

  it('shows an instalment fee as its IRR: 2.5% over 3 months is about 15% a year', () => {
    expect(instalmentApr(3, '0', start)).toBe('0.000000');
    // 10,000.00 in three: principal 3,333.34 + 3,333.33 × 2, fee 83.34 + 83.33 × 2.
    expect(instalmentApr(3, '0.025', start)).toBe(aprByBisection('10000', ['3416.68', '3416.66', '3416.66']));
    expect(Number(instalmentApr(12, '0.088', start))).toBeGreaterThan(0.15);
  });
});
