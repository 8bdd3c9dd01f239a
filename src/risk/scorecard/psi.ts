import { upperBound } from './binning.ts';
import { ScorecardError } from './errors.ts';
import { PSI_EPSILON, psiTerms, type Stability, stabilityOf } from './metrics.ts';
import type { ScorecardModel } from './model.ts';
import { assignModelBins, rowCount, type ScoreInput, scoresOf } from './score.ts';

export interface PsiBin {
  readonly label: string;
  /** For score bins: lower <= score < upper, unbounded where absent. */
  readonly lower?: number;
  readonly upper?: number;
  readonly baselineCount: number;
  readonly currentCount: number;
  readonly baselineShare: number;
  readonly currentShare: number;
  readonly psi: number;
}

export interface PsiResult {
  readonly psi: number;
  readonly stability: Stability;
  readonly bins: readonly PsiBin[];
}

export interface PsiReport {
  readonly score: PsiResult;
  readonly variables: readonly (PsiResult & { readonly name: string })[];
  readonly rows: { readonly baseline: number; readonly current: number };
}

export interface PsiOptions {
  /** Shares below this count as this, so that an empty bin adds a large but finite term. */
  readonly epsilon?: number;
  /** How many quantile bins of the baseline scores the score PSI uses. */
  readonly scoreBins?: number;
}

/**
 * The population stability index of a scorecard between a baseline population (typically the
 * training data) and a current one: per variable over the model's own bins, and for the score over
 * the deciles of the baseline's scores.
 */
export function psi(
  model: ScorecardModel,
  baseline: ScoreInput,
  current: ScoreInput,
  options: PsiOptions = {},
): PsiReport {
  const epsilon = options.epsilon ?? PSI_EPSILON;
  const scoreBins = options.scoreBins ?? 10;
  if (!Number.isInteger(scoreBins) || scoreBins < 2) {
    throw new ScorecardError(
      'invalid_option',
      `scoreBins must be a whole number of at least 2, not ${scoreBins}`,
    );
  }
  for (const [name, input] of [
    ['baseline', baseline],
    ['current', current],
  ] as const) {
    if (rowCount(input) === 0) throw new ScorecardError('too_few_rows', `the ${name} data has no rows`);
  }
  const baselineBins = assignModelBins(model, baseline);
  const currentBins = assignModelBins(model, current);
  const variables = model.variables.map((variable, v) => {
    const labels = variable.bins.map((bin) => bin.label);
    return { name: variable.name, ...compare(labels, [], baselineBins[v]!, currentBins[v]!, epsilon) };
  });
  const baselineScores = scoresOf(model, baseline);
  const currentScores = scoresOf(model, current);
  const cuts = quantileCuts(baselineScores, scoreBins);
  const bounds = [undefined, ...cuts, undefined];
  const labels = bounds.slice(0, -1).map((lower, i) => rangeLabel(lower, bounds[i + 1]));
  const ranges = bounds.slice(0, -1).map((lower, i) => ({ lower, upper: bounds[i + 1] }));
  const toBins = (scores: Float64Array) => Int32Array.from(scores, (score) => upperBound(cuts, score));
  return {
    score: compare(labels, ranges, toBins(baselineScores), toBins(currentScores), epsilon),
    variables,
    rows: { baseline: rowCount(baseline), current: rowCount(current) },
  };
}

function compare(
  labels: readonly string[],
  ranges: readonly { lower: number | undefined; upper: number | undefined }[],
  baseline: Int32Array,
  current: Int32Array,
  epsilon: number,
): PsiResult {
  const baselineCounts = countsOf(baseline, labels.length);
  const currentCounts = countsOf(current, labels.length);
  const terms = psiTerms(baselineCounts, currentCounts, epsilon);
  const total = terms.reduce((sum, term) => sum + term, 0);
  return {
    psi: total,
    stability: stabilityOf(total),
    bins: labels.map((label, b) => ({
      label,
      ...(ranges[b]?.lower === undefined ? {} : { lower: ranges[b]!.lower }),
      ...(ranges[b]?.upper === undefined ? {} : { upper: ranges[b]!.upper }),
      baselineCount: baselineCounts[b]!,
      currentCount: currentCounts[b]!,
      baselineShare: baselineCounts[b]! / baseline.length,
      currentShare: currentCounts[b]! / current.length,
      psi: terms[b]!,
    })),
  };
}

function countsOf(bins: Int32Array, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const b of bins) counts[b]!++;
  return counts;
}

/** Distinct cut points at the baseline's quantiles; ties can leave fewer than `bins` bins. */
function quantileCuts(scores: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(scores).sort();
  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) {
    const cut = sorted[Math.floor((k * sorted.length) / bins)]!;
    if (cut > sorted[0]! && cut !== cuts[cuts.length - 1]) cuts.push(cut);
  }
  return cuts;
}

function rangeLabel(lower: number | undefined, upper: number | undefined): string {
  if (lower === undefined && upper === undefined) return 'any score';
  if (lower === undefined) return `< ${upper}`;
  if (upper === undefined) return `>= ${lower}`;
  return `[${lower}, ${upper})`;
}
