import { describe, expect, it } from 'vitest';
import {
  ScorecardError,
  type ScorecardErrorCode,
  type TrainOptions,
  train,
} from '../../../src/risk/scorecard/index.ts';

/** A small, learnable CSV: x drives the outcome, c is a category that helps a little. */
function csv(rows = 200, edit: (cells: string[], i: number) => string[] = (cells) => cells): string {
  const lines = ['status,x,c,note'];
  for (let i = 0; i < rows; i++) {
    const x = (i * 37) % 100;
    const bad = x + ((i * 53) % 40) > 90;
    lines.push(edit([bad ? 'bad' : 'good', String(x), ['a', 'b', 'c'][i % 3]!, `n${i % 7}`], i).join(','));
  }
  return `${lines.join('\n')}\n`;
}

const base: TrainOptions = { data: csv(), target: 'status', bad: 'bad' };

const refusals: [string, Partial<TrainOptions>, ScorecardErrorCode, RegExp][] = [
  ['an empty file', { data: '' }, 'csv_empty', /no header/],
  ['a ragged row', { data: 'status,x\nbad,1\ngood,2,3\n' }, 'csv_malformed', /line 3 has 3 fields/],
  ['a quote that never closes', { data: 'status,x\nbad,"1\n' }, 'csv_malformed', /never closes/],
  ['no such target column', { target: 'Status' }, 'target_column_not_found', /no column "Status".*"status"/],
  [
    'a bad value that never occurs',
    { bad: 'BAD' },
    'bad_value_not_found',
    /"BAD" never occurs.*"bad", "good"/,
  ],
  [
    'one class only',
    { data: csv(200, (cells) => ['bad', ...cells.slice(1)]) },
    'single_class',
    /every row of "status" is "bad"/,
  ],
  ['too few rows', { data: csv(12) }, 'too_few_rows', /12 rows/],
  [
    'too few bads',
    { data: csv(200, (cells, i) => [i < 3 ? 'bad' : 'good', ...cells.slice(1)]) },
    'too_few_rows',
    /3 bad/,
  ],
  ['a declared numeric column with text', { numeric: ['c'] }, 'column_not_numeric', /"c" .*holds "a"/],
  ['an unknown column to exclude', { exclude: ['nope'] }, 'column_not_found', /"nope"/],
  [
    'only constant and empty columns',
    { data: csv(200, (cells) => [cells[0]!, '1', 'NA', 'same']) },
    'no_usable_variables',
    /"x" has the same value.*"c" has no values/,
  ],
  [
    'only columns that say nothing about the outcome',
    {
      data: csv(200, (_cells, i) => [i % 4 < 2 ? 'bad' : 'good', String(i % 2), ['a', 'b'][i % 2]!, 'same']),
    },
    'no_usable_variables',
    /no variable has an information value of at least 0.02/,
  ],
  ['one fold', { cv: 1 }, 'invalid_option', /cv must be a whole number of folds/],
  ['more folds than bads', { cv: 500 }, 'invalid_option', /cv must be/],
  ['a holdout of everything', { holdout: 1 }, 'invalid_option', /holdout/],
  ['zero points to double the odds', { scaling: { pdo: 0 } }, 'invalid_option', /double the odds/],
];

describe('train refuses bad input with a code and a message naming the problem', () => {
  it.each(refusals)('%s', (_, options, code, message) => {
    let caught: unknown;
    try {
      train({ ...base, ...options });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScorecardError);
    const error = caught as ScorecardError;
    expect(error.code).toBe(code);
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(message);
  });

  it('skips constant and empty columns with a warning when others remain', () => {
    const data = csv(200, (cells) => [...cells.slice(0, 3), 'NA']).replace('c,note', 'c,empty');
    const { report } = train({ ...base, data, exclude: ['c'] });
    expect(report.warnings).toEqual([
      { code: 'all_missing_column', column: 'empty', message: 'column "empty" has no values; skipped' },
    ]);
    expect(report.variables.map((v) => v.name)).toEqual(['x']);
  });

  it('drops rows without an outcome, with a warning', () => {
    const data = csv(200, (cells, i) => (i < 4 ? ['NA', ...cells.slice(1)] : cells));
    const { report } = train({ ...base, data });
    expect(report.rows.total).toBe(196);
    expect(report.warnings.map((w) => w.code)).toContain('target_missing');
  });
});
