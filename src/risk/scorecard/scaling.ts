import type { Scaling } from './model.ts';

/**
 * Turning log-odds into points: score = offset + factor x ln(good:bad odds), with factor = pdo / ln 2
 * so that `pdo` points double the odds, and the offset putting `points` at `odds`. The model's
 * log-odds of bad are intercept + sum of coefficient x WOE, so each bin earns -factor x coefficient
 * x WOE points and the intercept goes to `basePoints`. A bin with WOE 0 (the fallback bins) earns 0.
 * Points are whole numbers, as on every printed scorecard; the rounding moves a score by at most half
 * a point per variable.
 */
export function scaleFactor(scaling: Scaling): number {
  return scaling.pdo / Math.LN2;
}

export function scaleOffset(scaling: Scaling): number {
  return scaling.points - scaleFactor(scaling) * Math.log(scaling.odds);
}

export function binPoints(coefficient: number, woe: number, scaling: Scaling): number {
  return wholePoints(-scaleFactor(scaling) * coefficient * woe);
}

export function basePoints(intercept: number, scaling: Scaling): number {
  return wholePoints(scaleOffset(scaling) - scaleFactor(scaling) * intercept);
}

/** The probability of a bad outcome that a score stands for. */
export function probabilityOfBad(score: number, scaling: Scaling): number {
  const logOddsGood = (score - scaleOffset(scaling)) / scaleFactor(scaling);
  return 1 / (1 + Math.exp(logOddsGood));
}

function wholePoints(value: number): number {
  // `|| 0` turns -0 into 0 so that the JSON never shows "-0".
  return Math.round(value) || 0;
}
