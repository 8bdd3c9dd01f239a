/** A CSV record and the line of the file it starts on (1 is the first line). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; problem: string };

/**
 * Parses RFC 4180 CSV: comma-separated fields, double quotes around a field that holds commas,
 * quotes or line breaks (a quote inside written twice), lines ended by CRLF or LF. A leading
 * byte-order mark is dropped. Blank lines are skipped. Each record keeps the line it starts on, so
 * that a refusal can name it.
 */
export function parseCsv(text: string): CsvResult {
  const input = text.startsWith('\ufeff') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < input.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let ended = false;
    while (i < input.length && !ended) {
      const c = input[i]!;
      if (quoted) {
        if (c === '"' && input[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (c === '"') {
          quoted = false;
          i++;
          const next = input[i];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
            return { ok: false, line, problem: 'a quoted field must end at a comma or the end of the line' };
        } else {
          if (c === '\n') line++;
          field += c;
          i++;
        }
      } else if (c === '"') {
        if (field.length > 0) return { ok: false, line, problem: 'a quote inside an unquoted field' };
        quoted = true;
        i++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\r' || c === '\n') {
        i += c === '\r' && input[i + 1] === '\n' ? 2 : 1;
        line++;
        ended = true;
      } else {
        field += c;
        i++;
      }
    }
    if (quoted) return { ok: false, line: start, problem: 'a quoted field is not closed' };
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: start, fields });
  }
  return { ok: true, records };
}
