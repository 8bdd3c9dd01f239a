import { z } from 'zod';
import { ScorecardError } from './errors.ts';

/**
 * The model file: self-describing (every bin says what it holds, its WOE, points, row count and bad
 * rate) and versioned by `format`, so that a later netfin can refuse or migrate a file it does not
 * understand instead of scoring with it wrongly. Ranges are lower <= x < upper; a missing bound is
 * unbounded. `score = basePoints + sum of the points of each variable's bin`.
 */
export const MODEL_FORMAT = 'netfin-scorecard/1';

const binSchema = z.object({
  label: z.string(),
  kind: z.enum(['range', 'levels', 'missing', 'other']),
  lower: z.number().optional(),
  upper: z.number().optional(),
  levels: z.array(z.string()).optional(),
  woe: z.number(),
  points: z.number(),
  count: z.number().int().nonnegative(),
  /** null for a bin no training row fell into. */
  badRate: z.number().min(0).max(1).nullable(),
});

const variableSchema = z.object({
  name: z.string(),
  type: z.enum(['numeric', 'categorical']),
  trend: z.enum(['ascending', 'descending', 'peak', 'valley']).optional(),
  iv: z.number(),
  coefficient: z.number(),
  bins: z.array(binSchema).min(1),
});

const scalingSchema = z.object({
  /** The score at `odds`. */
  points: z.number(),
  /** Good:bad odds at `points` (50 means 50:1). */
  odds: z.number().positive(),
  /** Points to double the odds. */
  pdo: z.number().positive(),
});

export const modelSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  target: z.string(),
  badValue: z.string(),
  scaling: scalingSchema,
  /** Of the logistic regression of bad on the WOE values, in log-odds of bad. */
  intercept: z.number(),
  basePoints: z.number(),
  variables: z.array(variableSchema).min(1),
  trainedAt: z.string(),
  /** Training rows, and how many of them were bad. */
  rows: z.number().int().positive(),
  badRows: z.number().int().nonnegative(),
  settings: z.record(z.string(), z.unknown()),
});

export type ModelBin = z.infer<typeof binSchema>;
export type ModelVariable = z.infer<typeof variableSchema>;
export type Scaling = z.infer<typeof scalingSchema>;
export type ScorecardModel = z.infer<typeof modelSchema>;

export const DEFAULT_SCALING: Scaling = { points: 600, odds: 50, pdo: 20 };

/**
 * Checks a parsed model file (JSON.parse of it) and returns it typed. Besides the shape, it checks
 * what scoring relies on: ranges in order and touching, no level in two bins, one missing and one
 * other bin.
 */
export function parseModel(json: unknown): ScorecardModel {
  const format = (json as { format?: unknown } | null)?.format;
  if (typeof format === 'string' && format !== MODEL_FORMAT) {
    throw new ScorecardError(
      'model_invalid',
      `the model is in format "${format}"; this netfin reads ${MODEL_FORMAT}`,
    );
  }
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'the model';
    throw new ScorecardError(
      'model_invalid',
      `the model file is not a scorecard: ${where}: ${issue?.message}`,
    );
  }
  for (const variable of parsed.data.variables) checkVariable(variable);
  return parsed.data;
}

function checkVariable(variable: ModelVariable): void {
  const fail = (why: string) => {
    throw new ScorecardError('model_invalid', `variable "${variable.name}" of the model ${why}`);
  };
  if (variable.bins.filter((bin) => bin.kind === 'missing').length !== 1)
    fail('needs exactly one missing bin');
  if (variable.bins.filter((bin) => bin.kind === 'other').length !== 1) fail('needs exactly one other bin');
  if (variable.type === 'numeric') {
    const ranges = variable.bins.filter((bin) => bin.kind === 'range');
    if (ranges.length === 0) fail('has no ranges');
    if (variable.bins.some((bin) => bin.kind === 'levels')) fail('is numeric but has a bin of levels');
    ranges.forEach((bin, i) => {
      if ((i === 0) !== (bin.lower === undefined))
        fail('has ranges whose lower bounds do not start unbounded');
      if ((i === ranges.length - 1) !== (bin.upper === undefined))
        fail('has ranges that do not end unbounded');
      const previous = ranges[i - 1];
      if (previous && previous.upper !== bin.lower) fail(`has ranges that do not touch at "${bin.label}"`);
      if (bin.lower !== undefined && bin.upper !== undefined && !(bin.lower < bin.upper)) {
        fail(`has an empty range "${bin.label}"`);
      }
    });
    return;
  }
  if (variable.bins.some((bin) => bin.kind === 'range')) fail('is categorical but has a range');
  const seen = new Set<string>();
  for (const bin of variable.bins) {
    for (const level of bin.levels ?? []) {
      if (seen.has(level)) fail(`puts level "${level}" in two bins`);
      seen.add(level);
    }
  }
}
