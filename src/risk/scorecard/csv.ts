import { ScorecardError } from './errors.ts';

/** A parsed CSV: the header and the rows, each cell a string or null when the value is missing. */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

export interface CsvOptions {
  /** The field separator; a comma unless told. */
  readonly delimiter?: string;
  /**
   * Cell texts (after trimming) that mean "missing". R writes NA, most tools write nothing; a quoted
   * "NA" counts as missing too, because many exporters quote every field.
   */
  readonly missing?: readonly string[];
}

export const DEFAULT_MISSING: readonly string[] = ['', 'NA'];

/**
 * Parses RFC 4180 CSV: quoted fields may hold delimiters, newlines and doubled quotes; lines end in
 * LF, CRLF or CR; a leading byte-order mark is ignored; completely empty lines are skipped. Every row
 * must have as many fields as the header, otherwise the CSV is refused with the line number, since a
 * ragged row almost always means a quoting mistake that would shift values into the wrong columns.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ScorecardError(
      'invalid_option',
      `the CSV delimiter must be one character other than a quote or newline`,
    );
  }
  const missing = new Set(options.missing ?? DEFAULT_MISSING);
  const records = splitRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter);
  const first = records[0];
  if (first === undefined) throw new ScorecardError('csv_empty', 'the CSV has no header line');
  const header = first.fields.map((name, i) => (name.trim() === '' ? `column_${i + 1}` : name.trim()));
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) {
      throw new ScorecardError('csv_malformed', `the header names column "${name}" twice`, { column: name });
    }
    seen.add(name);
  }
  const rows: (string | null)[][] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    if (record.fields.length !== header.length) {
      throw new ScorecardError(
        'csv_malformed',
        `line ${record.line} has ${record.fields.length} fields but the header has ${header.length}`,
        { line: record.line, fields: record.fields.length, expected: header.length },
      );
    }
    rows.push(record.fields.map((cell) => (missing.has(cell.trim()) ? null : cell)));
  }
  return { header, rows };
}

interface RawRecord {
  readonly line: number;
  readonly fields: string[];
}

function splitRecords(text: string, delimiter: string): RawRecord[] {
  const records: RawRecord[] = [];
  const QUOTE = 34;
  const LF = 10;
  const CR = 13;
  const DELIM = delimiter.charCodeAt(0);
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let atRecordStart = true;
  const n = text.length;
  while (i < n) {
    if (atRecordStart) {
      recordLine = line;
      atRecordStart = false;
      // A completely empty line carries no record.
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) {
        i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
        atRecordStart = true;
        continue;
      }
    }
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      const openedOn = line;
      let parts = '';
      let start = i + 1;
      i = start;
      for (;;) {
        if (i >= n) {
          throw new ScorecardError(
            'csv_malformed',
            `the quoted field opened on line ${openedOn} never closes`,
            {
              line: openedOn,
            },
          );
        }
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          if (text.charCodeAt(i + 1) === QUOTE) {
            parts += text.slice(start, i + 1);
            i += 2;
            start = i;
            continue;
          }
          parts += text.slice(start, i);
          i++;
          break;
        }
        if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) line++;
        i++;
      }
      const next = i < n ? text.charCodeAt(i) : LF;
      if (next !== DELIM && next !== LF && next !== CR) {
        throw new ScorecardError(
          'csv_malformed',
          `line ${line} has text after the closing quote of a field (${JSON.stringify(text.slice(i, i + 10))})`,
          { line },
        );
      }
      value = parts;
    } else {
      const start = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === DELIM || c === LF || c === CR) break;
        i++;
      }
      value = text.slice(start, i);
    }
    fields.push(value);
    if (i >= n) break;
    const c = text.charCodeAt(i);
    if (c === DELIM) {
      i++;
      // A delimiter at the very end of the text still opens one last (empty) field.
      if (i >= n) fields.push('');
      continue;
    }
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    line++;
    records.push({ line: recordLine, fields });
    fields = [];
    atRecordStart = true;
  }
  if (!atRecordStart) records.push({ line: recordLine, fields });
  return records;
}
