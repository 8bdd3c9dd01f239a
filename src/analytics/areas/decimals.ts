import { Decimal, formatDecimal } from '../../kernel/index.ts';

/**
 * Exact figures for the areas' ratios and percentiles (marketplace, risk): 4 decimal places,
 * half-up, never through a float.
 */
export const RATIO_PLACES = 4;

/** part / whole to 4 places, or null when the whole is zero (no fact is written then). */
export function ratioOf(part: bigint | number | string, whole: bigint | number | string): string | null {
  const w = new Decimal(String(whole));
  if (w.isZero()) return null;
  return formatDecimal(new Decimal(String(part)).div(w), RATIO_PLACES);
}

/**
 * The p-quantile of some decimals by linear interpolation between the closest ranks (the
 * "percentile_cont" definition: the median of 1, 2, 3, 4 is 2.5), to 4 places; null when empty.
 */
export function quantile(values: readonly Decimal[], p: number | string): string | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  const position = new Decimal(String(p)).times(sorted.length - 1);
  const lower = position.floor().toNumber();
  const fraction = position.minus(lower);
  const low = sorted[lower]!;
  const high = sorted[Math.min(lower + 1, sorted.length - 1)]!;
  return formatDecimal(low.plus(high.minus(low).times(fraction)), RATIO_PLACES);
}

/** Every sub-breakdown of a dimension (for grade and term: none, grade, term, both), so that a page reads any of them without summing. */
export function breakdowns(dimension: Readonly<Record<string, string>>): Record<string, string>[] {
  const keys = Object.keys(dimension);
  const out: Record<string, string>[] = [];
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const d: Record<string, string> = {};
    keys.forEach((k, i) => {
      if (mask & (1 << i)) d[k] = dimension[k]!;
    });
    out.push(d);
  }
  return out;
}
