import { binInformationValue, type Counts } from './woe.ts';

/**
 * The shape the bad rate may take across ordered bins: rising, falling, rising then falling (peak) or
 * falling then rising (valley). Monotonic shapes are preferred; the unimodal ones are for variables
 * such as age or tenure where risk is honestly U-shaped.
 */
export type Trend = 'ascending' | 'descending' | 'peak' | 'valley';

export interface PartitionOptions {
  /** The fewest rows a group may hold. */
  readonly minCount: number;
  readonly maxGroups: number;
  readonly trend: Trend;
}

export interface Partition {
  /** The end (exclusive) of each group, in order; the last is the number of pre-bins. */
  readonly ends: readonly number[];
  readonly iv: number;
}

/**
 * Groups ordered pre-bins into contiguous groups that maximise the information value, subject to a
 * minimum group size, a maximum number of groups and a shape of the bad rate. An exact dynamic
 * programme over (last group, groups used, phase of the shape): with 20 pre-bins and 10 groups it is
 * about 10^5 steps, so there is no need for the greedy merging heuristics that miss the optimum. When
 * no grouping satisfies the constraints, everything forms one group.
 */
export function optimalPartition(
  prebins: readonly Counts[],
  total: Counts,
  options: PartitionOptions,
): Partition {
  const m = prebins.length;
  const single: Partition = {
    ends: [m],
    iv: m === 0 ? 0 : binInformationValue(totalOfRange(prebins, 0, m), total),
  };
  if (m <= 1) return single;
  const badPrefix = new Float64Array(m + 1);
  const goodPrefix = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) {
    badPrefix[i + 1] = badPrefix[i]! + prebins[i]!.bad;
    goodPrefix[i + 1] = goodPrefix[i]! + prebins[i]!.good;
  }
  const countOf = (j: number, i: number) => badPrefix[i]! - badPrefix[j]! + goodPrefix[i]! - goodPrefix[j]!;
  const rateOf = (j: number, i: number) => (badPrefix[i]! - badPrefix[j]!) / countOf(j, i);
  const ivOf = (j: number, i: number) =>
    binInformationValue({ bad: badPrefix[i]! - badPrefix[j]!, good: goodPrefix[i]! - goodPrefix[j]! }, total);
  const maxGroups = Math.max(1, Math.min(options.maxGroups, m));
  // best[c][j][i][phase]: the best IV of c groups ending with group [j, i) in that phase of the shape.
  const size = (maxGroups + 1) * (m + 1) * (m + 1) * 2;
  const best = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
  const fromStart = new Int32Array(size).fill(-1);
  const fromPhase = new Int8Array(size);
  const at = (c: number, j: number, i: number, phase: number) =>
    ((c * (m + 1) + j) * (m + 1) + i) * 2 + phase;
  for (let i = 1; i <= m; i++) {
    for (let j = 0; j < i; j++) {
      if (countOf(j, i) < options.minCount) continue;
      const iv = ivOf(j, i);
      if (j === 0) {
        best[at(1, 0, i, 0)] = iv;
        continue;
      }
      const rate = rateOf(j, i);
      for (let c = 2; c <= maxGroups; c++) {
        for (let k = 0; k < j; k++) {
          for (let phase = 0; phase < 2; phase++) {
            const previous = best[at(c - 1, k, j, phase)]!;
            if (previous === Number.NEGATIVE_INFINITY) continue;
            const next = nextPhase(options.trend, phase, rateOf(k, j), rate);
            if (next < 0) continue;
            const slot = at(c, j, i, next);
            if (previous + iv > best[slot]!) {
              best[slot] = previous + iv;
              fromStart[slot] = k;
              fromPhase[slot] = phase;
            }
          }
        }
      }
    }
  }
  let bestSlot = -1;
  let bestIv = Number.NEGATIVE_INFINITY;
  let bestC = 0;
  let bestJ = 0;
  // Fewer groups win ties: the loop visits them first and only a strictly better IV replaces them.
  for (let c = 1; c <= maxGroups; c++) {
    for (let j = 0; j < m; j++) {
      for (let phase = 0; phase < 2; phase++) {
        const slot = at(c, j, m, phase);
        if (best[slot]! > bestIv + 1e-12) {
          bestIv = best[slot]!;
          bestSlot = slot;
          bestC = c;
          bestJ = j;
        }
      }
    }
  }
  if (bestSlot < 0) return single;
  const ends: number[] = [m];
  let slot = bestSlot;
  let c = bestC;
  let j = bestJ;
  while (c > 1) {
    ends.push(j);
    const k = fromStart[slot]!;
    slot = at(c - 1, k, j, fromPhase[slot]!);
    j = k;
    c--;
  }
  return { ends: ends.reverse(), iv: bestIv };
}

/** The phase after a step from one group's bad rate to the next, or -1 when the shape forbids it. */
function nextPhase(trend: Trend, phase: number, previous: number, rate: number): number {
  const up = rate > previous;
  const down = rate < previous;
  switch (trend) {
    case 'ascending':
      return up ? 0 : -1;
    case 'descending':
      return down ? 0 : -1;
    case 'peak':
      if (phase === 0) return up ? 0 : down ? 1 : -1;
      return down ? 1 : -1;
    case 'valley':
      if (phase === 0) return down ? 0 : up ? 1 : -1;
      return up ? 1 : -1;
  }
}

function totalOfRange(prebins: readonly Counts[], from: number, to: number): Counts {
  let bad = 0;
  let good = 0;
  for (let i = from; i < to; i++) {
    bad += prebins[i]!.bad;
    good += prebins[i]!.good;
  }
  return { bad, good };
}
