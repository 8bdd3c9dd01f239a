import { upperBound } from './binning.ts';
import type { CsvTable } from './csv.ts';
import { DEFAULT_MISSING } from './csv.ts';
import { parseNumber } from './dataset.ts';
import { ScorecardError } from './errors.ts';
import type { ModelVariable, ScorecardModel } from './model.ts';
import { probabilityOfBad } from './scaling.ts';

/** A cell as it comes from a CSV or a JSON object. */
export type Cell = string | number | null | undefined;

/**
 * Rows to score: a parsed CSV (every model variable must be a column of it), or objects keyed by
 * column name, where an absent key counts as a missing value (JSON writers often leave nulls out).
 */
export type ScoreInput = CsvTable | readonly Readonly<Record<string, Cell>>[];

export interface Reason {
  readonly variable: string;
  readonly bin: string;
  readonly points: number;
  /** The most points this variable gives, less the points this row got from it. */
  readonly cost: number;
}

export interface RowScore {
  readonly score: number;
  readonly probabilityBad: number;
  /** Up to three variables that cost the row the most points, the costliest first; none that cost nothing. */
  readonly reasons: readonly Reason[];
  /** Variables whose value training never saw (a new category, text for a number), scored neutrally. */
  readonly fallbacks: readonly string[];
}

export const REASON_COUNT = 3;

const MISSING = new Set(DEFAULT_MISSING);

export interface CompiledVariable {
  readonly variable: ModelVariable;
  readonly binOf: (cell: Cell) => number;
  readonly otherBin: number;
  /** The most points any bin that training rows fell into gives. */
  readonly maxPoints: number;
}

/**
 * Each model's compiled variables, kept with the model object: a decision scores one row, and
 * compiling the bins (level maps, cuts) cost more than scoring it. A model is immutable once parsed
 * (each version is a row of risk_models that is never updated; training builds a new object), so the
 * object is the key; a model whose variables were replaced is compiled again.
 */
const compiledModels = new WeakMap<ScorecardModel, { variables: unknown; compiled: CompiledVariable[] }>();

/** The model's variables compiled for scoring, once per model object. */
export function compileModel(model: ScorecardModel): readonly CompiledVariable[] {
  const known = compiledModels.get(model);
  if (known && known.variables === model.variables) return known.compiled;
  const compiled = model.variables.map(compileVariable);
  compiledModels.set(model, { variables: model.variables, compiled });
  return compiled;
}

/** Scores every row: the score, the probability of bad it stands for, and the reason codes. */
export function scoreRows(model: ScorecardModel, input: ScoreInput): RowScore[] {
  const compiled = compileModel(model);
  const assigned = assignModelBins(model, input);
  const out: RowScore[] = [];
  for (let row = 0; row < rowCount(input); row++) {
    let score = model.basePoints;
    const reasons: Reason[] = [];
    const fallbacks: string[] = [];
    compiled.forEach(({ variable, otherBin, maxPoints }, v) => {
      const b = assigned[v]![row]!;
      const bin = variable.bins[b]!;
      score += bin.points;
      if (b === otherBin) fallbacks.push(variable.name);
      const cost = maxPoints - bin.points;
      if (cost > 0) reasons.push({ variable: variable.name, bin: bin.label, points: bin.points, cost });
    });
    // Ties keep the model's order of variables (strongest first), so the codes are stable.
    reasons.sort((a, b) => b.cost - a.cost);
    out.push({
      score,
      probabilityBad: probabilityOfBad(score, model.scaling),
      reasons: reasons.slice(0, REASON_COUNT),
      fallbacks,
    });
  }
  return out;
}

/** The bin index of every row, per model variable (in the model's order). */
export function assignModelBins(model: ScorecardModel, input: ScoreInput): Int32Array[] {
  const n = rowCount(input);
  return compileModel(model).map(({ variable, binOf }) => {
    const out = new Int32Array(n);
    if (isTable(input)) {
      const c = input.header.indexOf(variable.name);
      if (c < 0) {
        throw new ScorecardError(
          'column_not_found',
          `the data has no column "${variable.name}", which the model uses`,
          {
            column: variable.name,
          },
        );
      }
      for (let row = 0; row < n; row++) out[row] = binOf(input.rows[row]![c]);
    } else {
      for (let row = 0; row < n; row++) out[row] = binOf(input[row]![variable.name]);
    }
    return out;
  });
}

/** The scores alone, for evaluation. */
export function scoresOf(model: ScorecardModel, input: ScoreInput): Float64Array {
  const assigned = assignModelBins(model, input);
  const scores = new Float64Array(rowCount(input)).fill(model.basePoints);
  model.variables.forEach((variable, v) => {
    const bins = assigned[v]!;
    for (let row = 0; row < scores.length; row++) scores[row]! += variable.bins[bins[row]!]!.points;
  });
  return scores;
}

export function rowCount(input: ScoreInput): number {
  return isTable(input) ? input.rows.length : input.length;
}

function isTable(input: ScoreInput): input is CsvTable {
  return !Array.isArray(input);
}

function compileVariable(variable: ModelVariable): CompiledVariable {
  const bins = variable.bins;
  const missingBin = bins.findIndex((bin) => bin.kind === 'missing');
  const otherBin = bins.findIndex((bin) => bin.kind === 'other');
  const populated = bins.filter((bin) => bin.count > 0).map((bin) => bin.points);
  const maxPoints = populated.length > 0 ? Math.max(...populated) : 0;
  const isMissing = (cell: Cell): cell is null | undefined | string =>
    cell === null || cell === undefined || (typeof cell === 'string' && MISSING.has(cell.trim()));
  if (variable.type === 'numeric') {
    const ranges = bins.flatMap((bin, b) => (bin.kind === 'range' ? [b] : []));
    const cuts = ranges.slice(1).map((b) => bins[b]!.lower!);
    const binOf = (cell: Cell) => {
      if (isMissing(cell)) return missingBin;
      const value = typeof cell === 'number' ? cell : parseNumber(cell);
      if (value === undefined || !Number.isFinite(value)) return otherBin;
      return ranges[upperBound(cuts, value)]!;
    };
    return { variable, binOf, otherBin, maxPoints };
  }
  const levelBin = new Map<string, number>();
  bins.forEach((bin, b) => {
    for (const level of bin.levels ?? []) levelBin.set(level, b);
  });
  const binOf = (cell: Cell) => {
    if (isMissing(cell)) return missingBin;
    return levelBin.get(String(cell).trim()) ?? otherBin;
  };
  return { variable, binOf, otherBin, maxPoints };
}
