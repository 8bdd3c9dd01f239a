import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMember } from '../support/credit.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import { HEADER, upload } from './screening-helpers.ts';

/**
 * A watch list with one bad row is refused whole, naming the row's line, and nothing is stored;
 * customers and operations staff may neither upload lists nor read the match queue.
 */
let t: TestApp;
let officer: TestUser;

beforeAll(async () => {
  t = await openTestApp();
  officer = await staffMember(t, ['compliance']);
});
afterAll(() => t.close());

const stored = async () => {
  const rows = await sql<{ lists: number; entries: number; audits: number }>`
    select (select count(*)::int from screening_lists) as lists, (select count(*)::int from screening_entries) as entries,
           (select count(*)::int from audit_log where action like 'screening.%') as audits`.execute(
    t.platform.db,
  );
  return rows.rows[0]!;
};

describe('a watch list with a bad row', () => {
  it.each([
    ['a bad birth date', `${HEADER}\n张三,,,,PBOC,fraud\n李四,,,1990-02-30,PBOC,fraud\n`, 3],
    ['an empty name', `${HEADER}\n张三,,,,PBOC,fraud\n\n" ",,,,PBOC,fraud\n`, 4],
    ['a malformed identity number', `${HEADER}\n张三,,11010519900101-123X,,PBOC,fraud\n`, 2],
    ['too few fields', `${HEADER}\n张三,,,,PBOC,fraud\n王五,,\n`, 3],
    ['an unclosed quote', `${HEADER}\n张三,,,,PBOC,fraud\n"王五,,,,PBOC,fraud\n`, 3],
    ['a row repeated', `${HEADER}\n张三,,,,PBOC,fraud\n 张三 ,,,,PBOC,again\n`, 3],
    ['an unknown column', 'name,nationality\n张三,CN\n', 1],
  ])('%s: 422 watch_list_row_invalid with its line, nothing stored', async (_what, csv, line) => {
    const response = await upload(t, officer.headers, 'Refused', csv);
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error.code).toBe('watch_list_row_invalid');
    expect(response.json().error.details.line).toBe(line);
    expect(await stored()).toEqual({ lists: 0, entries: 0, audits: 0 });
  });

  it('a JSON body without the CSV, or with extra fields, is a 400', async () => {
    const missing = await t.app.inject({
      method: 'POST',
      url: '/v1/screening/lists',
      headers: officer.headers,
      payload: { list: 'x' },
    });
    expect(missing.statusCode).toBe(400);
    const extra = await t.app.inject({
      method: 'POST',
      url: '/v1/screening/lists',
      headers: officer.headers,
      payload: { list: 'x', csv: `${HEADER}\n张三,,,,,\n`, version: 3 },
    });
    expect(extra.statusCode).toBe(400);
    expect(await stored()).toEqual({ lists: 0, entries: 0, audits: 0 });
  });
});

describe('who may screen', () => {
  it('refuses a customer and an operations officer with 403, on lists and on the queue', async () => {
    const customer = await signUp(t);
    const operations = await staffMember(t, ['operations']);
    for (const caller of [customer, operations]) {
      const uploaded = await upload(t, caller.headers, 'Sneaky', `${HEADER}\n张三,,,,,\n`);
      expect(uploaded.statusCode).toBe(403);
      const queue = await t.app.inject({
        method: 'GET',
        url: '/v1/screening/matches',
        headers: caller.headers,
      });
      expect(queue.statusCode).toBe(403);
      const lists = await t.app.inject({
        method: 'GET',
        url: '/v1/screening/lists',
        headers: caller.headers,
      });
      expect(lists.statusCode).toBe(403);
    }
    expect(await stored()).toEqual({ lists: 0, entries: 0, audits: 0 });
  });
});
