import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc, gini, ks, populationStabilityIndex, psiTerms, stabilityOf } from './metrics.ts';

const scored = fc
  .array(fc.record({ score: fc.integer({ min: 0, max: 12 }), label: fc.integer({ min: 0, max: 1 }) }), {
    minLength: 2,
    maxLength: 80,
  })
  .filter((rows) => rows.some((r) => r.label === 1) && rows.some((r) => r.label === 0));

describe('auc', () => {
  it('equals the share of positive-negative pairs ranked right, ties counting a half', () => {
    fc.assert(
      fc.property(scored, (rows) => {
        let pairs = 0;
        let wins = 0;
        for (const p of rows.filter((r) => r.label === 1)) {
          for (const q of rows.filter((r) => r.label === 0)) {
            pairs++;
            wins += p.score > q.score ? 1 : p.score === q.score ? 0.5 : 0;
          }
        }
        const value = auc(
          rows.map((r) => r.score),
          rows.map((r) => r.label),
        );
        expect(value).toBeCloseTo(wins / pairs, 12);
      }),
      { numRuns: 300 },
    );
  });

  it('is 1 for a perfect ranking, 0.5 for all ties, NaN with one class', () => {
    expect(auc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auc([5, 5, 5, 5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([1, 2], [1, 1])).toBeNaN();
    expect(gini(0.75)).toBe(0.5);
  });
});

describe('ks', () => {
  it('is the largest gap between the cumulative distributions over every cut-off', () => {
    fc.assert(
      fc.property(scored, (rows) => {
        const positives = rows.filter((r) => r.label === 1).length;
        const negatives = rows.length - positives;
        let best = 0;
        for (let cut = -1; cut <= 12; cut++) {
          const p = rows.filter((r) => r.label === 1 && r.score <= cut).length / positives;
          const n = rows.filter((r) => r.label === 0 && r.score <= cut).length / negatives;
          best = Math.max(best, Math.abs(p - n));
        }
        expect(
          ks(
            rows.map((r) => r.score),
            rows.map((r) => r.label),
          ),
        ).toBeCloseTo(best, 12);
      }),
      { numRuns: 300 },
    );
  });

  it('is 1 when the classes separate completely', () => {
    expect(ks([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
  });
});

describe('population stability index', () => {
  it('is 0 for identical distributions, whatever the counts', () => {
    expect(populationStabilityIndex([10, 20, 30], [10, 20, 30])).toBe(0);
    expect(populationStabilityIndex([10, 20, 30], [100, 200, 300])).toBeCloseTo(0, 15);
  });

  it('matches a hand computation', () => {
    // (0.3 - 0.5) ln(0.3 / 0.5) + (0.7 - 0.5) ln(0.7 / 0.5) = 0.10216 + 0.06729
    expect(populationStabilityIndex([50, 50], [30, 70])).toBeCloseTo(
      0.2 * Math.log(5 / 3) + 0.2 * Math.log(1.4),
      12,
    );
  });

  it('stays finite with an empty bin, through the epsilon', () => {
    const value = populationStabilityIndex([50, 50, 0], [40, 40, 20]);
    expect(Number.isFinite(value)).toBe(true);
    expect(psiTerms([50, 50, 0], [40, 40, 20])[2]).toBeCloseTo((0.2 - 1e-4) * Math.log(0.2 / 1e-4), 12);
    expect(stabilityOf(value)).toBe('major_shift');
    expect(stabilityOf(0.05)).toBe('stable');
    expect(stabilityOf(0.2)).toBe('moderate_shift');
  });

  it('is never negative', () => {
    const counts = fc.array(fc.nat(100), { minLength: 3, maxLength: 3 }).filter((c) => c.some((v) => v > 0));
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        expect(populationStabilityIndex(a, b)).toBeGreaterThanOrEqual(-1e-12);
      }),
    );
  });
});
