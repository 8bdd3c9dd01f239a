import type { CategoricalColumn, Column, NumericColumn } from './dataset.ts';
import { optimalPartition, type Partition, type Trend } from './partition.ts';
import { type Counts, informationValue } from './woe.ts';

/**
 * What a bin holds. A range is lower <= x < upper, unbounded where a bound is absent. Every variable
 * also has a `missing` bin and an `other` bin; `other` catches what training never saw (a new category,
 * or text where a number belongs) and, like a missing bin that training never filled, has WOE 0.
 */
export type BinSpec =
  | { readonly kind: 'range'; readonly lower?: number; readonly upper?: number }
  | { readonly kind: 'levels'; readonly levels: readonly string[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'other' };

export interface Bin extends Counts {
  readonly spec: BinSpec;
}

export interface BinnedVariable {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  /** The shape of the bad rate over the ranges of a numeric variable; absent for categories or one range. */
  readonly trend?: Trend;
  readonly bins: readonly Bin[];
  readonly iv: number;
}

export interface BinningSettings {
  /** The smallest share of the rows a range or group of levels may hold (the missing bin is exempt). */
  readonly minBinFraction: number;
  readonly maxBins: number;
  /** How many quantile pre-bins the optimal grouping starts from. */
  readonly maxPrebins: number;
  /** Whether a peak or valley shape may be chosen when it carries clearly more information. */
  readonly unimodal: boolean;
}

/**
 * A unimodal shape must at least double the IV of the best monotonic one to be chosen: a bump found in
 * the training rows is more often noise than a real U-shaped risk, and a small gain does not pay for it.
 */
const UNIMODAL_MIN_GAIN = 1;
/** Pseudo-rows that pull a rare category's bad rate towards the overall rate before levels are ordered. */
const LEVEL_PRIOR_ROWS = 20;

interface Prebin extends Counts {
  /** For numbers, the smallest value in the pre-bin; for categories, the levels it holds. */
  readonly first: number;
  readonly levels: readonly string[];
}

/** Bins one column on the given rows, choosing the grouping that carries the most information. */
export function binColumn(
  column: Column,
  target: Uint8Array,
  rows: Int32Array,
  settings: BinningSettings,
): BinnedVariable {
  return column.kind === 'numeric'
    ? binNumeric(column, target, rows, settings)
    : binCategorical(column, target, rows, settings);
}

function binNumeric(
  column: NumericColumn,
  target: Uint8Array,
  rows: Int32Array,
  settings: BinningSettings,
): BinnedVariable {
  const present: number[] = [];
  const missing = { bad: 0, good: 0 };
  for (const row of rows) {
    if (Number.isNaN(column.values[row]!)) {
      if (target[row]) missing.bad++;
      else missing.good++;
    } else present.push(row);
  }
  present.sort((a, b) => column.values[a]! - column.values[b]!);
  const distinct: Prebin[] = [];
  for (const row of present) {
    const value = column.values[row]!;
    const last = distinct[distinct.length - 1];
    const bad = target[row]!;
    if (last !== undefined && last.first === value) {
      (last as { bad: number }).bad += bad;
      (last as { good: number }).good += 1 - bad;
    } else distinct.push({ first: value, levels: [], bad, good: 1 - bad });
  }
  const prebins = quantilePrebins(distinct, settings.maxPrebins, (a) => a);
  const total = { bad: sumOf(rows, target), good: rows.length - sumOf(rows, target) };
  const minCount = Math.ceil(settings.minBinFraction * rows.length);
  const partition = (trend: Trend) =>
    optimalPartition(prebins, total, { minCount, maxGroups: settings.maxBins, trend });
  const candidates: [Trend, Partition][] = [
    ['ascending', partition('ascending')],
    ['descending', partition('descending')],
  ];
  let [trend, chosen] = pickBest(candidates);
  if (settings.unimodal) {
    const [shape, unimodal] = pickBest([
      ['peak', partition('peak')],
      ['valley', partition('valley')],
    ]);
    if (unimodal.iv > chosen.iv * (1 + UNIMODAL_MIN_GAIN) && unimodal.ends.length > 2) {
      trend = shape;
      chosen = unimodal;
    }
  }
  const bins: Bin[] = [];
  let start = 0;
  for (const end of chosen.ends) {
    const counts = sumRange(prebins, start, end);
    const lower = start > 0 ? prebins[start]!.first : undefined;
    const upper = end < prebins.length ? prebins[end]!.first : undefined;
    bins.push({ spec: rangeSpec(lower, upper), ...counts });
    start = end;
  }
  bins.push({ spec: { kind: 'missing' }, ...missing }, { spec: { kind: 'other' }, bad: 0, good: 0 });
  return {
    name: column.name,
    type: 'numeric',
    ...(chosen.ends.length > 1 ? { trend } : {}),
    bins,
    iv: informationValue(bins, total),
  };
}

function binCategorical(
  column: CategoricalColumn,
  target: Uint8Array,
  rows: Int32Array,
  settings: BinningSettings,
): BinnedVariable {
  const bad = new Float64Array(column.levels.length);
  const count = new Float64Array(column.levels.length);
  const missing = { bad: 0, good: 0 };
  for (const row of rows) {
    const code = column.codes[row]!;
    const isBad = target[row]!;
    if (code < 0) {
      missing.bad += isBad;
      missing.good += 1 - isBad;
    } else {
      bad[code]! += isBad;
      count[code]! += 1;
    }
  }
  const total = { bad: sumOf(rows, target), good: rows.length - sumOf(rows, target) };
  const overallRate = total.bad / rows.length;
  const smoothed = (code: number) =>
    (bad[code]! + LEVEL_PRIOR_ROWS * overallRate) / (count[code]! + LEVEL_PRIOR_ROWS);
  // Ordered by (shrunken) bad rate, adjacent levels are the ones worth grouping; levels absent from these
  // rows are left to the `other` bin, exactly as a level never seen at all.
  const order = [...column.levels.keys()]
    .filter((code) => count[code]! > 0)
    .sort((a, b) => smoothed(a) - smoothed(b) || (column.levels[a]! < column.levels[b]! ? -1 : 1));
  const levels: Prebin[] = order.map((code, i) => ({
    first: i,
    levels: [column.levels[code]!],
    bad: bad[code]!,
    good: count[code]! - bad[code]!,
  }));
  const prebins = quantilePrebins(levels, settings.maxPrebins, (a, b) => [...a, ...b]);
  const minCount = Math.ceil(settings.minBinFraction * rows.length);
  const chosen = optimalPartition(prebins, total, {
    minCount,
    maxGroups: settings.maxBins,
    trend: 'ascending',
  });
  const bins: Bin[] = [];
  let start = 0;
  for (const end of chosen.ends) {
    const counts = sumRange(prebins, start, end);
    const grouped = prebins.slice(start, end).flatMap((prebin) => prebin.levels);
    bins.push({ spec: { kind: 'levels', levels: grouped.sort() }, ...counts });
    start = end;
  }
  bins.push({ spec: { kind: 'missing' }, ...missing }, { spec: { kind: 'other' }, bad: 0, good: 0 });
  return { name: column.name, type: 'categorical', bins, iv: informationValue(bins, total) };
}

/**
 * Gathers ordered items into at most `target` pre-bins of about equal row counts. An item is never
 * split, so one very common value makes a pre-bin of its own and the others share the rest.
 */
function quantilePrebins(
  items: readonly Prebin[],
  target: number,
  joinLevels: (a: readonly string[], b: readonly string[]) => readonly string[],
): Prebin[] {
  if (items.length <= target) return items.slice();
  let totalRows = 0;
  for (const item of items) totalRows += item.bad + item.good;
  const out: Prebin[] = [];
  let current: Prebin | undefined;
  let seen = 0;
  let k = 1;
  for (const item of items) {
    current =
      current === undefined
        ? { ...item }
        : {
            first: current.first,
            levels: joinLevels(current.levels, item.levels),
            bad: current.bad + item.bad,
            good: current.good + item.good,
          };
    seen += item.bad + item.good;
    if (seen >= (k * totalRows) / target) {
      out.push(current);
      current = undefined;
      while (seen >= (k * totalRows) / target) k++;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

function pickBest(candidates: readonly [Trend, Partition][]): [Trend, Partition] {
  let best = candidates[0]!;
  for (const candidate of candidates) {
    const better = candidate[1].iv > best[1].iv + 1e-12;
    const simpler =
      Math.abs(candidate[1].iv - best[1].iv) <= 1e-12 && candidate[1].ends.length < best[1].ends.length;
    if (better || simpler) best = candidate;
  }
  return best;
}

function rangeSpec(lower: number | undefined, upper: number | undefined): BinSpec {
  return {
    kind: 'range',
    ...(lower === undefined ? {} : { lower }),
    ...(upper === undefined ? {} : { upper }),
  };
}

function sumRange(prebins: readonly Counts[], from: number, to: number): Counts {
  let bad = 0;
  let good = 0;
  for (let i = from; i < to; i++) {
    bad += prebins[i]!.bad;
    good += prebins[i]!.good;
  }
  return { bad, good };
}

function sumOf(rows: Int32Array, target: Uint8Array): number {
  let sum = 0;
  for (const row of rows) sum += target[row]!;
  return sum;
}

/**
 * The bin of each of the given rows: ranges by binary search over their lower bounds, categories by
 * a level-to-bin table; missing values go to the missing bin and unknown levels to `other`.
 */
export function assignBins(variable: BinnedVariable, column: Column, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  const missingBin = variable.bins.findIndex((bin) => bin.spec.kind === 'missing');
  const otherBin = variable.bins.findIndex((bin) => bin.spec.kind === 'other');
  if (column.kind === 'numeric') {
    const cuts = variable.bins
      .map((bin) => (bin.spec.kind === 'range' ? bin.spec.lower : undefined))
      .filter((lower): lower is number => lower !== undefined);
    rows.forEach((row, i) => {
      const value = column.values[row]!;
      out[i] = Number.isNaN(value) ? missingBin : upperBound(cuts, value);
    });
    return out;
  }
  const levelBin = new Int32Array(column.levels.length).fill(otherBin);
  const codeOf = new Map(column.levels.map((level, code) => [level, code]));
  variable.bins.forEach((bin, b) => {
    if (bin.spec.kind !== 'levels') return;
    for (const level of bin.spec.levels) {
      const code = codeOf.get(level);
      if (code !== undefined) levelBin[code] = b;
    }
  });
  rows.forEach((row, i) => {
    const code = column.codes[row]!;
    out[i] = code < 0 ? missingBin : levelBin[code]!;
  });
  return out;
}

/** How many sorted cuts are at or below the value: the index of its range. */
export function upperBound(cuts: readonly number[], value: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
