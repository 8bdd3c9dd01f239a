import { describe, expect, it } from 'vitest';
import { DomainError } from '../../kernel/index.ts';
import { parseWatchList } from './rows.ts';

const lineOf = (csv: string) => {
  try {
    parseWatchList(csv);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('watch_list_row_invalid');
    return ((error as DomainError).details as { line: number }).line;
  }
  return null;
};

describe('parseWatchList', () => {
  it('reads quoted fields, aliases, a byte-order mark, CRLF and columns in any order', () => {
    const rows = parseWatchList(
      '\ufeffreason,name,aliases,id_number\r\n"fraud, twice","Zhang ""Tiger"" San",张三; Chang San ;,110105199001011234\r\n\r\n',
    );
    expect(rows).toEqual([
      {
        line: 2,
        name: 'Zhang "Tiger" San',
        aliases: ['张三', 'Chang San'],
        idNumber: '110105199001011234',
        birthDate: null,
        source: null,
        reason: 'fraud, twice',
      },
    ]);
  });

  it('counts lines inside a quoted field, so that a later bad row is named by its own line', () => {
    expect(lineOf('name,reason\n张三,"two\nlines"\n李四,ok\n,empty name\n')).toBe(5);
  });

  it('refuses a file without a name column, or empty', () => {
    expect(lineOf('aliases,reason\nx,y\n')).toBe(1);
    expect(lineOf('')).toBe(1);
  });
});
