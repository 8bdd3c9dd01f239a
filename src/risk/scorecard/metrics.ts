/**
 * Discrimination and stability measures. `labels` are 1 for the positive class (a bad outcome) and 0
 * otherwise; a higher `scores` value must mean "more likely positive", so pass the probability of bad,
 * or the negated scorecard score.
 */

/**
 * The area under the ROC curve from the Mann-Whitney rank sum: the probability that a random positive
 * scores above a random negative, ties counting one half (mid-ranks). O(n log n).
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = sortedOrder(scores);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Gini coefficient (accuracy ratio): 2 AUC - 1. */
export function gini(areaUnderCurve: number): number {
  return 2 * areaUnderCurve - 1;
}

/**
 * The Kolmogorov-Smirnov statistic: the largest gap between the cumulative score distributions of
 * positives and negatives. The gap is only measured between distinct scores, since no cut-off can
 * separate rows that score the same.
 */
export function ks(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = sortedOrder(scores);
  let positives = 0;
  for (let k = 0; k < n; k++) positives += labels[k] ? 1 : 0;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  let seenPositive = 0;
  let seenNegative = 0;
  let best = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) seenPositive++;
      else seenNegative++;
    }
    best = Math.max(best, Math.abs(seenPositive / positives - seenNegative / negatives));
    i = j + 1;
  }
  return best;
}

/** Shares below this are raised to it, so that an empty bin adds a large but finite term to the PSI. */
export const PSI_EPSILON = 1e-4;

/**
 * The population stability index of two distributions over the same bins (counts or shares):
 * sum over bins of (current - baseline) x ln(current / baseline), on shares. 0 means identical; by
 * the usual rule of thumb below 0.1 is stable, 0.1 to 0.25 a moderate shift, above 0.25 a major one.
 */
export function populationStabilityIndex(
  baseline: readonly number[],
  current: readonly number[],
  epsilon = PSI_EPSILON,
): number {
  if (baseline.length !== current.length) throw new RangeError('baseline and current need the same bins');
  return psiTerms(baseline, current, epsilon).reduce((sum, term) => sum + term, 0);
}

/** Each bin's contribution to the PSI. */
export function psiTerms(
  baseline: readonly number[],
  current: readonly number[],
  epsilon = PSI_EPSILON,
): number[] {
  const baselineTotal = baseline.reduce((sum, value) => sum + value, 0);
  const currentTotal = current.reduce((sum, value) => sum + value, 0);
  return baseline.map((value, i) => {
    const expected = Math.max(baselineTotal > 0 ? value / baselineTotal : 0, epsilon);
    const actual = Math.max(currentTotal > 0 ? current[i]! / currentTotal : 0, epsilon);
    return (actual - expected) * Math.log(actual / expected);
  });
}

export type Stability = 'stable' | 'moderate_shift' | 'major_shift';

export function stabilityOf(psi: number): Stability {
  return psi < 0.1 ? 'stable' : psi < 0.25 ? 'moderate_shift' : 'major_shift';
}

function sortedOrder(scores: ArrayLike<number>): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[a]! - scores[b]!);
}
