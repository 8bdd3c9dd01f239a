/**
 * Weight of evidence and information value, in the convention of Siddiqi's "Credit Risk Scorecards":
 * WOE = ln(share of goods / share of bads), so a bin that holds relatively more goods has a positive
 * WOE and earns points. Half a row is added to each count so that a bin without goods or without bads
 * still has a finite WOE; the sums stay additive over bins, which the optimal binning relies on.
 */
export const WOE_PSEUDO_COUNT = 0.5;

export interface Counts {
  readonly bad: number;
  readonly good: number;
}

export function weightOfEvidence(bin: Counts, total: Counts, pseudoCount = WOE_PSEUDO_COUNT): number {
  const goodShare = (bin.good + pseudoCount) / (total.good + pseudoCount);
  const badShare = (bin.bad + pseudoCount) / (total.bad + pseudoCount);
  return Math.log(goodShare / badShare);
}

/** One bin's share of the information value: (good share - bad share) x WOE, never negative. */
export function binInformationValue(bin: Counts, total: Counts, pseudoCount = WOE_PSEUDO_COUNT): number {
  const goodShare = (bin.good + pseudoCount) / (total.good + pseudoCount);
  const badShare = (bin.bad + pseudoCount) / (total.bad + pseudoCount);
  return (goodShare - badShare) * Math.log(goodShare / badShare);
}

export function informationValue(
  bins: readonly Counts[],
  total: Counts,
  pseudoCount = WOE_PSEUDO_COUNT,
): number {
  let iv = 0;
  for (const bin of bins) {
    if (bin.bad + bin.good > 0) iv += binInformationValue(bin, total, pseudoCount);
  }
  return iv;
}

export function totalOf(bins: readonly Counts[]): Counts {
  let bad = 0;
  let good = 0;
  for (const bin of bins) {
    bad += bin.bad;
    good += bin.good;
  }
  return { bad, good };
}
