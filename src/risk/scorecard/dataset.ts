import type { CsvTable } from './csv.ts';
import { ScorecardError } from './errors.ts';

/** Something the trainer skipped or changed on its own, told in the report rather than thrown. */
export interface Warning {
  readonly code: string;
  readonly message: string;
  readonly column?: string;
}

export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  /** One value per row; NaN where the value is missing. */
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  readonly levels: readonly string[];
  /** One index into `levels` per row; -1 where the value is missing. */
  readonly codes: Int32Array;
}

export type Column = NumericColumn | CategoricalColumn;

export interface Dataset {
  readonly columns: readonly Column[];
  /** 1 for a bad outcome, 0 for a good one, per row. */
  readonly target: Uint8Array;
  readonly rows: number;
  /** The index in the CSV table of each row (rows without an outcome are left out). */
  readonly sourceRows: Int32Array;
  readonly warnings: readonly Warning[];
}

export interface DatasetOptions {
  readonly target: string;
  readonly bad: string;
  readonly exclude?: readonly string[];
  /** Columns that must be numeric; a value that is not a number is refused (`column_not_numeric`). */
  readonly numeric?: readonly string[];
  /** Columns to treat as categories even when every value looks like a number (codes, zip codes). */
  readonly categorical?: readonly string[];
}

/** The fewest rows, and the fewest of the rarer outcome, that a scorecard can be trained on. */
export const MIN_ROWS = 30;
export const MIN_CLASS_ROWS = 5;

/** A categorical column with more distinct values than this share of its rows is taken for an identifier. */
const IDENTIFIER_SHARE = 0.5;
const IDENTIFIER_MIN_LEVELS = 50;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a cell as a finite number, or returns undefined; hexadecimal, "Infinity" and the like are not numbers here. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Types every column of a table and encodes the outcome. Columns are numeric when every value present
 * parses as a number, categorical otherwise, unless the options declare them. Rows without an outcome
 * are dropped, and constant, empty and identifier-like columns skipped, each with a warning.
 */
export function prepareDataset(table: CsvTable, options: DatasetOptions): Dataset {
  const warnings: Warning[] = [];
  const targetIndex = table.header.indexOf(options.target);
  if (targetIndex < 0) {
    throw new ScorecardError(
      'target_column_not_found',
      `the CSV has no column "${options.target}"; its columns are ${listOf(table.header)}`,
      { target: options.target, columns: table.header },
    );
  }
  for (const list of [options.exclude, options.numeric, options.categorical]) {
    for (const name of list ?? []) {
      if (!table.header.includes(name)) {
        throw new ScorecardError('column_not_found', `the CSV has no column "${name}"`, { column: name });
      }
    }
  }
  const keep: number[] = [];
  const outcomes = new Set<string>();
  let missingTarget = 0;
  for (let r = 0; r < table.rows.length; r++) {
    const value = table.rows[r]![targetIndex];
    if (value === null || value === undefined) {
      missingTarget++;
      continue;
    }
    outcomes.add(value.trim());
    keep.push(r);
  }
  if (missingTarget > 0) {
    warnings.push({
      code: 'target_missing',
      column: options.target,
      message: `${missingTarget} rows have no value in "${options.target}" and were left out`,
    });
  }
  const bad = options.bad.trim();
  if (!outcomes.has(bad)) {
    throw new ScorecardError(
      'bad_value_not_found',
      `the value "${options.bad}" never occurs in "${options.target}"; it holds ${listOf([...outcomes].sort())}`,
      { target: options.target, bad: options.bad, values: [...outcomes].slice(0, 20) },
    );
  }
  if (outcomes.size === 1) {
    throw new ScorecardError(
      'single_class',
      `every row of "${options.target}" is "${options.bad}": a scorecard needs both good and bad outcomes`,
      { target: options.target },
    );
  }
  const target = new Uint8Array(keep.length);
  let bads = 0;
  for (let i = 0; i < keep.length; i++) {
    const isBad = table.rows[keep[i]!]![targetIndex]!.trim() === bad ? 1 : 0;
    target[i] = isBad;
    bads += isBad;
  }
  const minority = Math.min(bads, keep.length - bads);
  if (keep.length < MIN_ROWS || minority < MIN_CLASS_ROWS) {
    throw new ScorecardError(
      'too_few_rows',
      `${keep.length} rows with ${bads} bad and ${keep.length - bads} good outcomes: a scorecard needs at least ` +
        `${MIN_ROWS} rows and ${MIN_CLASS_ROWS} of each outcome`,
      { rows: keep.length, bad: bads, good: keep.length - bads },
    );
  }
  const exclude = new Set(options.exclude ?? []);
  const numeric = new Set(options.numeric ?? []);
  const categorical = new Set(options.categorical ?? []);
  for (const name of numeric) {
    if (categorical.has(name)) {
      throw new ScorecardError(
        'invalid_option',
        `column "${name}" is declared both numeric and categorical`,
        {
          column: name,
        },
      );
    }
  }
  const columns: Column[] = [];
  table.header.forEach((name, c) => {
    if (c === targetIndex || exclude.has(name)) return;
    const cells = keep.map((r) => table.rows[r]![c] ?? null);
    const column = typeColumn(name, cells, numeric.has(name), categorical.has(name), warnings);
    if (column) columns.push(column);
  });
  return { columns, target, rows: keep.length, sourceRows: Int32Array.from(keep), warnings };
}

function typeColumn(
  name: string,
  cells: readonly (string | null)[],
  declaredNumeric: boolean,
  declaredCategorical: boolean,
  warnings: Warning[],
): Column | undefined {
  const present = cells.filter((cell) => cell !== null).length;
  if (present === 0) {
    warnings.push({
      code: 'all_missing_column',
      column: name,
      message: `column "${name}" has no values; skipped`,
    });
    return undefined;
  }
  const distinct = new Set(cells.filter((cell) => cell !== null).map((cell) => cell!.trim()));
  if (distinct.size === 1 && present === cells.length) {
    warnings.push({
      code: 'constant_column',
      column: name,
      message: `column "${name}" has the same value in every row; skipped`,
    });
    return undefined;
  }
  if (!declaredCategorical) {
    const values = new Float64Array(cells.length);
    let failedAt = -1;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      if (cell === null) {
        values[i] = Number.NaN;
        continue;
      }
      const value = parseNumber(cell);
      if (value === undefined) {
        failedAt = i;
        break;
      }
      values[i] = value;
    }
    if (failedAt < 0) return { kind: 'numeric', name, values };
    if (declaredNumeric) {
      const sample = cells[failedAt]!;
      throw new ScorecardError(
        'column_not_numeric',
        `column "${name}" is declared numeric but holds "${sample}", which is not a number`,
        { column: name, value: sample },
      );
    }
  }
  if (distinct.size > IDENTIFIER_MIN_LEVELS && distinct.size > IDENTIFIER_SHARE * present) {
    warnings.push({
      code: 'identifier_like_column',
      column: name,
      message: `column "${name}" has ${distinct.size} distinct values in ${present} rows, like an identifier; skipped`,
    });
    return undefined;
  }
  const levels = [...distinct].sort();
  const index = new Map(levels.map((level, i) => [level, i]));
  const codes = new Int32Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    codes[i] = cell === null ? -1 : index.get(cell.trim())!;
  }
  return { kind: 'categorical', name, levels, codes };
}

function listOf(values: readonly string[]): string {
  const shown = values.slice(0, 12).map((value) => `"${value}"`);
  return shown.join(', ') + (values.length > 12 ? `, and ${values.length - 12} more` : '');
}
