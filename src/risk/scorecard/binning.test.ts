import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignBins, type BinnedVariable, type BinningSettings, binColumn } from './binning.ts';
import type { CategoricalColumn, NumericColumn } from './dataset.ts';
import { optimalPartition, type Trend } from './partition.ts';
import { seededRandom } from './random.ts';
import { binInformationValue, type Counts } from './woe.ts';

const settings: BinningSettings = { minBinFraction: 0.05, maxBins: 10, maxPrebins: 20, unimodal: false };

/** A numeric column whose bad rate follows `risk`, with some values missing. */
function numericSample(seed: number, n: number, risk: (x: number) => number, distinct: number) {
  const random = seededRandom(seed);
  const values = new Float64Array(n);
  const target = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = Math.floor(random() * distinct);
    values[i] = random() < 0.03 ? Number.NaN : x;
    target[i] = random() < risk(x / distinct) ? 1 : 0;
  }
  const column: NumericColumn = { kind: 'numeric', name: 'x', values };
  return { column, target, rows: Int32Array.from({ length: n }, (_, i) => i) };
}

function rateOf(bin: Counts): number {
  return bin.bad / (bin.bad + bin.good);
}

function checkInvariants(
  binned: BinnedVariable,
  column: NumericColumn,
  target: Uint8Array,
  rows: Int32Array,
) {
  const ranges = binned.bins.filter((bin) => bin.spec.kind === 'range');
  // The ranges cover the whole line: unbounded at both ends and touching in between.
  ranges.forEach((bin, i) => {
    if (bin.spec.kind !== 'range') throw new Error('unreachable');
    expect(bin.spec.lower === undefined).toBe(i === 0);
    expect(bin.spec.upper === undefined).toBe(i === ranges.length - 1);
    const previous = ranges[i - 1]?.spec;
    if (previous?.kind === 'range') expect(previous.upper).toBe(bin.spec.lower);
  });
  // Each range holds at least 5% of the rows, unless there is only one.
  if (ranges.length > 1) {
    for (const bin of ranges)
      expect(bin.bad + bin.good).toBeGreaterThanOrEqual(Math.ceil(0.05 * rows.length));
  }
  // The bad rate follows the chosen trend.
  const rates = ranges.map(rateOf);
  for (let i = 1; i < rates.length; i++) {
    if (binned.trend === 'ascending') expect(rates[i]!).toBeGreaterThan(rates[i - 1]!);
    if (binned.trend === 'descending') expect(rates[i]!).toBeLessThan(rates[i - 1]!);
  }
  // Every row lands in exactly the bin whose counts include it.
  const assigned = assignBins(binned, column, rows);
  const counts = binned.bins.map(() => ({ bad: 0, good: 0 }));
  assigned.forEach((b, i) => {
    if (target[rows[i]!]) counts[b]!.bad++;
    else counts[b]!.good++;
  });
  expect(counts).toEqual(binned.bins.map(({ bad, good }) => ({ bad, good })));
}

describe('numeric binning', () => {
  it('finds a rising bad rate in a rising risk, in ranges that cover the line', () => {
    const { column, target, rows } = numericSample(1, 4000, (x) => 0.05 + 0.4 * x, 1000);
    const binned = binColumn(column, target, rows, settings);
    expect(binned.trend).toBe('ascending');
    expect(binned.bins.filter((bin) => bin.spec.kind === 'range').length).toBeGreaterThan(3);
    expect(binned.bins.at(-2)!.spec.kind).toBe('missing');
    expect(binned.bins.at(-1)!.spec).toEqual({ kind: 'other' });
    checkInvariants(binned, column, target, rows);
  });

  it('keeps its invariants for any shape of risk, number of values and rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 40, max: 1500 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom<(x: number) => number>(
          (x) => 0.1 + 0.5 * x,
          (x) => 0.6 - 0.5 * x,
          (x) => 0.1 + 2 * (x - 0.5) ** 2,
          () => 0.2,
        ),
        fc.boolean(),
        (seed, n, distinct, risk, unimodal) => {
          const { column, target, rows } = numericSample(seed, n, risk, distinct);
          const binned = binColumn(column, target, rows, { ...settings, unimodal });
          checkInvariants(binned, column, target, rows);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('can choose a valley when asked for unimodal shapes and the U is strong', () => {
    const { column, target, rows } = numericSample(3, 6000, (x) => 0.05 + 2.5 * (x - 0.5) ** 2, 100);
    expect(binColumn(column, target, rows, { ...settings, unimodal: true }).trend).toBe('valley');
    expect(binColumn(column, target, rows, settings).trend).not.toBe('valley');
  });
});

describe('categorical binning', () => {
  it('groups levels so that every level is in exactly one bin of at least 5% of the rows', () => {
    const random = seededRandom(7);
    const levels = Array.from({ length: 30 }, (_, i) => `L${String(i).padStart(2, '0')}`);
    const n = 5000;
    const codes = new Int32Array(n);
    const target = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const code = Math.floor(random() ** 2 * levels.length);
      codes[i] = random() < 0.02 ? -1 : code;
      target[i] = random() < 0.05 + (0.4 * code) / levels.length ? 1 : 0;
    }
    const column: CategoricalColumn = { kind: 'categorical', name: 'c', levels, codes };
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const binned = binColumn(column, target, rows, settings);
    const grouped = binned.bins.flatMap((bin) => (bin.spec.kind === 'levels' ? bin.spec.levels : []));
    expect([...grouped].sort()).toEqual(levels);
    const groups = binned.bins.filter((bin) => bin.spec.kind === 'levels');
    expect(groups.length).toBeGreaterThan(2);
    for (const bin of groups) expect(bin.bad + bin.good).toBeGreaterThanOrEqual(0.05 * n);
    expect(binned.bins.find((bin) => bin.spec.kind === 'missing')!.bad).toBeGreaterThanOrEqual(0);
    // Levels unknown to the column go to `other`; missing codes to `missing`.
    const assigned = assignBins(
      binned,
      { ...column, levels: [...levels, 'new'], codes: Int32Array.of(30, -1) },
      Int32Array.of(0, 1),
    );
    expect(binned.bins[assigned[0]!]!.spec.kind).toBe('other');
    expect(binned.bins[assigned[1]!]!.spec.kind).toBe('missing');
  });
});

describe('optimal partition', () => {
  /** Every way to cut m pre-bins into contiguous groups, checked against the constraints. */
  function bruteForce(
    prebins: Counts[],
    total: Counts,
    minCount: number,
    maxGroups: number,
    trend: Trend,
  ): number {
    const m = prebins.length;
    let best = Number.NEGATIVE_INFINITY;
    for (let mask = 0; mask < 1 << (m - 1); mask++) {
      const groups: Counts[] = [];
      let current = { bad: 0, good: 0 };
      for (let i = 0; i < m; i++) {
        current = { bad: current.bad + prebins[i]!.bad, good: current.good + prebins[i]!.good };
        if (i === m - 1 || mask & (1 << i)) {
          groups.push(current);
          current = { bad: 0, good: 0 };
        }
      }
      if (groups.length > maxGroups || groups.some((g) => g.bad + g.good < minCount)) continue;
      const rates = groups.map(rateOf);
      const steps = rates.slice(1).map((rate, i) => Math.sign(rate - rates[i]!));
      const firstDown = steps.indexOf(-1);
      const firstUp = steps.indexOf(1);
      const ok =
        trend === 'ascending'
          ? steps.every((s) => s > 0)
          : trend === 'descending'
            ? steps.every((s) => s < 0)
            : trend === 'peak'
              ? !steps.includes(0) && (firstDown < 0 || steps.slice(firstDown).every((s) => s < 0))
              : !steps.includes(0) && (firstUp < 0 || steps.slice(firstUp).every((s) => s > 0));
      if (!ok) continue;
      best = Math.max(
        best,
        groups.reduce((sum, g) => sum + binInformationValue(g, total), 0),
      );
    }
    return best;
  }

  it('finds the same best IV as trying every partition', () => {
    const prebin = fc.record({ bad: fc.integer({ min: 0, max: 30 }), good: fc.integer({ min: 1, max: 60 }) });
    fc.assert(
      fc.property(
        fc.array(prebin, { minLength: 2, maxLength: 9 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<Trend>('ascending', 'descending', 'peak', 'valley'),
        (prebins, minCount, maxGroups, trend) => {
          const total = prebins.reduce((t, p) => ({ bad: t.bad + p.bad, good: t.good + p.good }), {
            bad: 0,
            good: 0,
          });
          const partition = optimalPartition(prebins, total, { minCount, maxGroups, trend });
          const expected = bruteForce(prebins, total, minCount, maxGroups, trend);
          if (expected === Number.NEGATIVE_INFINITY) expect(partition.ends).toEqual([prebins.length]);
          else expect(partition.iv).toBeCloseTo(expected, 9);
        },
      ),
      { numRuns: 300 },
    );
  });
});
