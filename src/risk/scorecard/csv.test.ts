import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';
import { ScorecardError } from './errors.ts';

function refusal(run: () => unknown): ScorecardError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScorecardError) return error;
    throw error;
  }
  throw new Error('expected a ScorecardError');
}

describe('parseCsv', () => {
  it('reads a header and rows, with NA and empty cells as missing', () => {
    const table = parseCsv('a,b,c\n1,x,NA\n2,,"y"\n');
    expect(table.header).toEqual(['a', 'b', 'c']);
    expect(table.rows).toEqual([
      ['1', 'x', null],
      ['2', null, 'y'],
    ]);
  });

  it('keeps delimiters, newlines and doubled quotes inside quoted fields', () => {
    const table = parseCsv('name,note\r\n"Smith, J","said ""hi""\r\nthen left"\r\n"","NA"\n');
    expect(table.rows).toEqual([
      ['Smith, J', 'said "hi"\r\nthen left'],
      [null, null],
    ]);
  });

  it('ignores a byte-order mark, blank lines and a missing final newline, and accepts lone CRs', () => {
    const table = parseCsv('\uFEFFa,b\r\r\n1,2\r\n\n3,4');
    expect(table.header).toEqual(['a', 'b']);
    expect(table.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('treats a trailing delimiter as one more empty field', () => {
    expect(parseCsv('a,b\n1,').rows).toEqual([['1', null]]);
  });

  it('names empty header cells and takes other delimiters and missing markers', () => {
    const table = parseCsv(';x\n1;-\n', { delimiter: ';', missing: ['-'] });
    expect(table.header).toEqual(['column_1', 'x']);
    expect(table.rows).toEqual([['1', null]]);
  });

  it('refuses a ragged row, naming the line', () => {
    const error = refusal(() => parseCsv('a,b\n1,2\n"x\ny",2,3\n'));
    expect(error.code).toBe('csv_malformed');
    expect(error.message).toMatch(/line 3 has 3 fields but the header has 2/);
  });

  it('refuses a quote that never closes and text after a closing quote', () => {
    expect(refusal(() => parseCsv('a,b\n1,"open\n')).message).toMatch(/opened on line 2 never closes/);
    expect(refusal(() => parseCsv('a,b\n1,"x"y\n')).code).toBe('csv_malformed');
  });

  it('refuses an empty text and a header that names a column twice', () => {
    expect(refusal(() => parseCsv('')).code).toBe('csv_empty');
    expect(refusal(() => parseCsv('a,a\n1,2')).message).toMatch(/"a" twice/);
  });

  it('reads back whatever a writer quoting every field produced', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é'),
      minLength: 1,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(cell, { minLength: 4, maxLength: 4 })),
        (width, raw) => {
          const rows = raw
            .map((row) => row.slice(0, width))
            .filter((row) => row.every((c) => c.trim() !== 'NA'));
          const header = Array.from({ length: width }, (_, i) => `c${i}`);
          const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
          const text = [header, ...rows].map((row) => row.map(quote).join(',')).join('\r\n');
          const parsed = parseCsv(text);
          expect(parsed.header).toEqual(header);
          expect(parsed.rows).toEqual(rows.map((row) => row.map((c) => (c.trim() === '' ? null : c))));
        },
      ),
    );
  });
});
