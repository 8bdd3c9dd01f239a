import { assignBins, type BinnedVariable, type BinningSettings, type BinSpec, binColumn } from './binning.ts';
import type { Column, Dataset } from './dataset.ts';
import { ScorecardError } from './errors.ts';
import { fitLogistic } from './logistic.ts';
import {
  MODEL_FORMAT,
  type ModelBin,
  type ModelVariable,
  type Scaling,
  type ScorecardModel,
} from './model.ts';
import { basePoints, binPoints } from './scaling.ts';
import { totalOf, weightOfEvidence } from './woe.ts';

export interface FitSettings extends BinningSettings {
  /** Variables with a smaller information value are too weak to keep. */
  readonly minIv: number;
  /** Of two variables whose WOE values correlate more than this (in absolute value), the weaker goes. */
  readonly maxCorrelation: number;
  readonly l2: number;
  readonly scaling: Scaling;
}

export type DropReason = 'weak' | 'correlated' | 'wrong_sign';

export interface DroppedVariable {
  readonly name: string;
  readonly reason: DropReason;
  readonly iv: number;
  readonly detail: string;
}

export interface FitContext {
  readonly target: string;
  readonly badValue: string;
  readonly trainedAt: string;
  readonly settings: Record<string, unknown>;
}

interface Candidate {
  readonly binned: BinnedVariable;
  readonly woe: readonly number[];
  /** The WOE of each training row. */
  readonly column: Float64Array;
}

/**
 * One complete training run on the given rows: bin every column, drop weak and redundant variables,
 * regress bad on the WOE values, drop variables whose coefficient has the wrong sign (a sign that
 * contradicts their own bins, the mark of collinearity), and scale to points. Train calls it once for
 * the model and once per cross-validation fold, so that each fold bins its own rows and nothing
 * about the held-out rows leaks into its model.
 */
export function fitScorecard(
  dataset: Dataset,
  rows: Int32Array,
  settings: FitSettings,
  context: FitContext,
): { model: ScorecardModel; dropped: DroppedVariable[] } {
  const target = Uint8Array.from(rows, (row) => dataset.target[row]!);
  const dropped: DroppedVariable[] = [];
  const candidates: Candidate[] = [];
  for (const column of dataset.columns) {
    const binned = binColumn(column, dataset.target, rows, settings);
    if (binned.iv < settings.minIv) {
      dropped.push({
        name: column.name,
        reason: 'weak',
        iv: binned.iv,
        detail: `information value ${binned.iv.toFixed(4)} is below ${settings.minIv}`,
      });
      continue;
    }
    candidates.push(withWoe(binned, column, rows));
  }
  if (candidates.length === 0) {
    const strongest = [...dropped].sort((a, b) => b.iv - a.iv)[0];
    throw new ScorecardError(
      'no_usable_variables',
      `no variable has an information value of at least ${settings.minIv}` +
        (strongest ? ` (the strongest, "${strongest.name}", has ${strongest.iv.toFixed(4)})` : ''),
      { dropped },
    );
  }
  candidates.sort((a, b) => b.binned.iv - a.binned.iv || (a.binned.name < b.binned.name ? -1 : 1));
  let kept: Candidate[] = [];
  for (const candidate of candidates) {
    const twin = kept
      .map((other) => ({ other, r: correlation(candidate.column, other.column) }))
      .find(({ r }) => Math.abs(r) > settings.maxCorrelation);
    if (twin) {
      dropped.push({
        name: candidate.binned.name,
        reason: 'correlated',
        iv: candidate.binned.iv,
        detail: `WOE correlates ${twin.r.toFixed(3)} with "${twin.other.binned.name}", which has the higher IV`,
      });
    } else kept.push(candidate);
  }
  for (;;) {
    const fit = regress(kept, target, settings.l2);
    // WOE is ln(good share / bad share), so more WOE must mean fewer bads: a coefficient above 0 is wrong.
    const wrong = kept.filter((_, j) => fit.coefficients[j]! > 0);
    if (wrong.length === 0 || kept.length === 1) {
      const variables = kept.map((candidate, j) =>
        toModelVariable(candidate, fit.coefficients[j]!, settings.scaling),
      );
      return {
        model: {
          format: MODEL_FORMAT,
          target: context.target,
          badValue: context.badValue,
          scaling: settings.scaling,
          intercept: fit.intercept,
          basePoints: basePoints(fit.intercept, settings.scaling),
          variables,
          trainedAt: context.trainedAt,
          rows: rows.length,
          badRows: target.reduce((sum, y) => sum + y, 0),
          settings: context.settings,
        },
        dropped,
      };
    }
    const weakest = wrong[wrong.length - 1]!;
    dropped.push({
      name: weakest.binned.name,
      reason: 'wrong_sign',
      iv: weakest.binned.iv,
      detail: 'its coefficient came out with the sign opposite to its bins, a sign of collinearity',
    });
    kept = kept.filter((candidate) => candidate !== weakest);
  }
}

function withWoe(binned: BinnedVariable, column: Column, rows: Int32Array): Candidate {
  const total = totalOf(binned.bins);
  // A bin no training row fell into (a missing bin of a complete column, `other`) is neutral: WOE 0.
  const woe = binned.bins.map((bin) => (bin.bad + bin.good > 0 ? weightOfEvidence(bin, total) : 0));
  const assigned = assignBins(binned, column, rows);
  return { binned, woe, column: Float64Array.from(assigned, (b) => woe[b]!) };
}

function regress(kept: readonly Candidate[], target: Uint8Array, l2: number) {
  const p = kept.length;
  const n = target.length;
  const x = new Float64Array(n * p);
  kept.forEach((candidate, j) => {
    for (let i = 0; i < n; i++) x[i * p + j] = candidate.column[i]!;
  });
  return fitLogistic(x, target, p, { l2 });
}

function toModelVariable(candidate: Candidate, coefficient: number, scaling: Scaling): ModelVariable {
  const { binned, woe } = candidate;
  const bins: ModelBin[] = binned.bins.map((bin, b) => {
    const count = bin.bad + bin.good;
    const spec = bin.spec;
    return {
      label: labelOf(spec),
      kind: spec.kind,
      ...(spec.kind === 'range' && spec.lower !== undefined ? { lower: spec.lower } : {}),
      ...(spec.kind === 'range' && spec.upper !== undefined ? { upper: spec.upper } : {}),
      ...(spec.kind === 'levels' ? { levels: [...spec.levels] } : {}),
      woe: woe[b]!,
      points: binPoints(coefficient, woe[b]!, scaling),
      count,
      badRate: count > 0 ? bin.bad / count : null,
    };
  });
  return {
    name: binned.name,
    type: binned.type,
    ...(binned.trend ? { trend: binned.trend } : {}),
    iv: binned.iv,
    coefficient,
    bins,
  };
}

/** A short human label; the bin's bounds or levels in the model are the exact truth. */
export function labelOf(spec: BinSpec): string {
  switch (spec.kind) {
    case 'range':
      if (spec.lower === undefined && spec.upper === undefined) return 'any value';
      if (spec.lower === undefined) return `< ${spec.upper}`;
      if (spec.upper === undefined) return `>= ${spec.lower}`;
      return `[${spec.lower}, ${spec.upper})`;
    case 'levels': {
      const shown = spec.levels.slice(0, 5).join(', ');
      return spec.levels.length > 5 ? `${shown} and ${spec.levels.length - 5} more` : shown;
    }
    case 'missing':
      return 'missing';
    case 'other':
      return 'other (not seen in training)';
  }
}

export function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]!;
    meanB += b[i]!;
  }
  meanA /= n;
  meanB /= n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA;
    const db = b[i]! - meanB;
    cov += da * db;
    varA += da * da;
    varB += db * db;
  }
  return varA > 0 && varB > 0 ? cov / Math.sqrt(varA * varB) : 0;
}
