/**
 * Credit scorecards: train one from any CSV with a binary outcome, score rows with it, and watch
 * its population stability. A pure library: the CLI (`netfin risk train|score|psi`) reads the files
 * and calls these functions. See README.md in this folder for the method.
 */
export type { CsvOptions, CsvTable } from './csv.ts';
export { parseCsv } from './csv.ts';
export type { Warning } from './dataset.ts';
export { ScorecardError, type ScorecardErrorCode } from './errors.ts';
export type { DroppedVariable } from './fit.ts';
export { auc, ks, populationStabilityIndex, type Stability } from './metrics.ts';
export {
  DEFAULT_SCALING,
  MODEL_FORMAT,
  type ModelBin,
  type ModelVariable,
  parseModel,
  type Scaling,
  type ScorecardModel,
} from './model.ts';
export { type PsiBin, type PsiOptions, type PsiReport, type PsiResult, psi } from './psi.ts';
export { type Cell, type Reason, type RowScore, type ScoreInput, scoreRows } from './score.ts';
export {
  type CrossValidation,
  DEFAULT_FIT_SETTINGS,
  DEFAULT_HOLDOUT,
  DEFAULT_SEED,
  type TrainOptions,
  type TrainReport,
  type TrainResult,
  train,
  type VariableReport,
} from './train.ts';
