import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, splitEvenly } from './allocate.ts';

describe('allocate', () => {
  it('splits 100 by 1:1:1 as 34, 33, 33 (the tie goes to the first)', () => {
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
  });

  it('gives leftover units to the largest remainders', () => {
    // Exact shares 3.33.., 6.66..: floors 3 and 6, one unit left, which goes to the larger remainder.
    expect(allocate(10n, [1n, 2n])).toEqual([3n, 7n]);
    expect(allocate(1n, [1n, 1000n])).toEqual([0n, 1n]);
  });

  it('gives a zero weight nothing', () => {
    expect(allocate(7n, [0n, 1n, 0n])).toEqual([0n, 7n, 0n]);
  });

  it('rounds a negative total symmetrically', () => {
    expect(allocate(-100n, [1n, 1n, 1n])).toEqual([-34n, -33n, -33n]);
  });

  it('refuses weights that are all zero or negative', () => {
    expect(() => allocate(1n, [0n, 0n])).toThrow();
    expect(() => allocate(1n, [1n, -1n])).toThrow();
    expect(() => allocate(1n, [])).toThrow();
  });

  const weights = fc
    .array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 60 })
    .filter((w) => w.some((x) => x > 0n));
  const totals = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });

  it('always sums to the total', () => {
    fc.assert(
      fc.property(totals, weights, (total, w) => {
        expect(allocate(total, w).reduce((a, b) => a + b, 0n)).toBe(total);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps every part within one unit of its exact share', () => {
    fc.assert(
      fc.property(totals, weights, (total, w) => {
        const sum = w.reduce((a, b) => a + b, 0n);
        allocate(total, w).forEach((part, i) => {
          // |part - total*w/sum| < 1  ⇔  |part*sum - total*w| < sum
          const diff = part * sum - total * w[i]!;
          expect(diff < sum && diff > -sum).toBe(true);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('is deterministic and does not depend on anything but its inputs', () => {
    fc.assert(
      fc.property(totals, weights, (total, w) => {
        expect(allocate(total, [...w])).toEqual(allocate(total, [...w]));
      }),
      { numRuns: 500 },
    );
  });

  it('gives equal weights parts that differ by at most one, larger first', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 1, max: 200 }),
        (total, count) => {
          const parts = splitEvenly(total, count);
          expect(parts.length).toBe(count);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          for (let i = 1; i < parts.length; i++) {
            expect(parts[i - 1]! >= parts[i]!).toBe(true);
            expect(parts[0]! - parts[i]! <= 1n).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
