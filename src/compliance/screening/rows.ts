import { isStorableText, parseDate, ruleViolation } from '../../kernel/index.ts';
import { parseCsv } from './csv.ts';
import { normaliseName } from './names.ts';

/** A listed person as uploaded: one CSV row, validated. */
export interface WatchListRow {
  readonly line: number;
  readonly name: string;
  readonly aliases: string[];
  readonly idNumber: string | null;
  readonly birthDate: string | null;
  readonly source: string | null;
  readonly reason: string | null;
}

export const COLUMNS = ['name', 'aliases', 'id_number', 'birth_date', 'source', 'reason'] as const;
export const MAX_ROWS = 200_000;
const ID_NUMBER = /^[0-9A-Z]{4,40}$/;

const rowInvalid = (line: number, problem: string) =>
  ruleViolation('watch_list_row_invalid', `line ${line}: ${problem}`, { line, problem });

function text(line: number, column: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (!isStorableText(trimmed)) throw rowInvalid(line, `${column} holds a character that cannot be stored`);
  if ([...trimmed].length > max) throw rowInvalid(line, `${column} is longer than ${max} characters`);
  return trimmed;
}

/**
 * Reads a watch list's CSV: a header line naming the columns (name is required; aliases, id_number,
 * birth_date, source and reason are optional, in any order), then one listed person a line. Any bad
 * row refuses the whole upload with its line number, so that a list is never half stored.
 */
export function parseWatchList(csv: string): WatchListRow[] {
  const parsed = parseCsv(csv);
  if (!parsed.ok) throw rowInvalid(parsed.line, parsed.problem);
  const [header, ...records] = parsed.records;
  if (!header)
    throw rowInvalid(
      1,
      'the file is empty: a header line (name,aliases,id_number,birth_date,source,reason) is needed',
    );
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  for (const column of columns)
    if (!(COLUMNS as readonly string[]).includes(column))
      throw rowInvalid(
        header.line,
        `unknown column "${column.slice(0, 40)}"; the columns are ${COLUMNS.join(', ')}`,
      );
  if (new Set(columns).size !== columns.length) throw rowInvalid(header.line, 'a column is named twice');
  if (!columns.includes('name')) throw rowInvalid(header.line, 'the column "name" is required');
  if (records.length > MAX_ROWS)
    throw rowInvalid(records[MAX_ROWS]!.line, `a list holds at most ${MAX_ROWS} rows`);
  return records.map((record) => {
    const { line, fields } = record;
    if (fields.length !== columns.length)
      throw rowInvalid(line, `${fields.length} fields where the header has ${columns.length}`);
    const get = (column: string) => {
      const at = columns.indexOf(column);
      return at < 0 ? '' : fields[at]!;
    };
    const name = text(line, 'name', get('name'), 200);
    if (normaliseName(name) === '') throw rowInvalid(line, 'name is empty');
    const aliases = get('aliases')
      .split(';')
      .map((a) => text(line, 'aliases', a, 200))
      .filter((a) => normaliseName(a) !== '');
    if (aliases.length > 50) throw rowInvalid(line, 'at most 50 aliases');
    const idText = text(line, 'id_number', get('id_number'), 40).replace(/\s+/g, '').toUpperCase();
    if (idText !== '' && !ID_NUMBER.test(idText))
      throw rowInvalid(line, 'id_number is 4 to 40 letters and digits');
    const birthText = text(line, 'birth_date', get('birth_date'), 10);
    if (birthText !== '' && !parseDate(birthText).ok) throw rowInvalid(line, 'birth_date is YYYY-MM-DD');
    const source = text(line, 'source', get('source'), 200);
    const reason = text(line, 'reason', get('reason'), 500);
    return {
      line,
      name,
      aliases,
      idNumber: idText || null,
      birthDate: birthText || null,
      source: source || null,
      reason: reason || null,
    };
  });
}
