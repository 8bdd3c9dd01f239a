import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Executor,
  inGroupTransaction,
  inTransaction,
  integerArray,
  type Migration,
  MigrationError,
  migrate,
  nullableTextArray,
  RetryableError,
  sqlState,
  textArray,
} from '../../src/db/index.ts';
import { CommitOutcomeUnknown } from '../../src/kernel/index.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform();
});
afterAll(() => t.close());

describe(`the database driver (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('returns int8 as bigint and numeric as string, beyond 2^53, in rows and arrays', async () => {
    const result = await sql<{ big: bigint; exact: string; list: bigint[]; day: string; small: number }>`
      select 9223372036854775807::int8 as big, 12345678901234567890.123456789::numeric as exact,
             array[9007199254740993, -1]::int8[] as list, '2024-02-29'::date as day, 7::int4 as small`.execute(
      t.platform.db,
    );
    const row = result.rows[0]!;
    expect(row.big).toBe(9223372036854775807n);
    expect(row.exact).toBe('12345678901234567890.123456789');
    expect(row.list).toEqual([9007199254740993n, -1n]);
    expect(row.day).toBe('2024-02-29');
    expect(row.small).toBe(7);
  });

  it('reads back array literals built by textArray and integerArray exactly', async () => {
    const texts = [
      'bench:acct:1',
      'NULL',
      'null',
      '',
      'a,b',
      '{x}',
      ' spaced ',
      'say "hi"',
      'back\\slash\\',
      '中文',
    ];
    const numbers = [0n, -1n, 9223372036854775807n, -9223372036854775808n];
    const result = await sql<{ t: string[]; plain: string[]; n: bigint[]; e: string[] }>`
      select ${textArray(texts)}::text[] as t, ${textArray(['a', 'b:c', 'NULL'])}::text[] as plain,
             ${integerArray(numbers)}::int8[] as n, ${textArray([])}::text[] as e`.execute(t.platform.db);
    const row = result.rows[0]!;
    expect(row.t).toEqual(texts);
    expect(row.plain).toEqual(['a', 'b:c', 'NULL']);
    expect(row.n).toEqual(numbers);
    expect(row.e).toEqual([]);
    // A column with nulls: nulls come back as nulls, and every string (even "NULL") as itself.
    const nullable = [null, ...texts, null];
    const withNulls = await sql<{ t: (string | null)[]; plain: (string | null)[]; none: string[] }>`
      select ${nullableTextArray(nullable)}::text[] as t, ${nullableTextArray(['a', 'NULL'])}::text[] as plain,
             ${nullableTextArray([])}::text[] as none`.execute(t.platform.db);
    expect(withNulls.rows[0]!.t).toEqual(nullable);
    expect(withNulls.rows[0]!.plain).toEqual(['a', 'NULL']);
    expect(withNulls.rows[0]!.none).toEqual([]);
    expect(() => nullableTextArray(['a', 1 as unknown as string])).toThrow(TypeError);
    // A stray null would otherwise be written as "" (or an empty element): refused instead.
    expect(() => textArray(['a', null as unknown as string])).toThrow(TypeError);
    expect(() => integerArray([1n, 1.5])).toThrow(TypeError);
  });

  it('sends bigint parameters without losing precision', async () => {
    const value = 9007199254740993n; // 2^53 + 1: a JavaScript number cannot hold it
    const result = await sql<{ v: bigint; doubled: string }>`
      select ${value}::int8 as v, (${value}::int8::numeric * 2)::text as doubled`.execute(t.platform.db);
    expect(result.rows[0]!.v).toBe(value);
    expect(result.rows[0]!.doubled).toBe('18014398509481986');
  });
});

describe('migrations', () => {
  it('records what was applied and applies nothing twice', async () => {
    const report = await migrate(t.platform.db);
    expect(report.applied).toEqual([]);
    const rows = await sql<{ id: string }>`select id from schema_migrations order by id`.execute(
      t.platform.db,
    );
    expect(rows.rows.map((r) => r.id)).toContain('0001_platform');
    expect(rows.rows.map((r) => r.id)).toContain('0002_ledger');
  });

  it('leaves the database as it was when a migration fails', async () => {
    const bundled = (
      await sql<{ id: string }>`select id from schema_migrations order by id`.execute(t.platform.db)
    ).rows;
    const known: Migration[] = await import('../../src/db/index.ts').then((m) => m.bundledMigrations());
    const broken: Migration[] = [
      ...known,
      { id: '9001_first_good', sql: 'create table probe_one (id int primary key);' },
      {
        id: '9002_then_bad',
        sql: 'create table probe_two (id int primary key); select * from no_such_table;',
      },
    ];
    await expect(migrate(t.platform.db, broken)).rejects.toThrow(MigrationError);
    const after = (
      await sql<{ id: string }>`select id from schema_migrations order by id`.execute(t.platform.db)
    ).rows;
    expect(after).toEqual(bundled);
    const tables = await sql<{ n: bigint }>`
      select count(*)::int8 as n from information_schema.tables
      where table_schema = current_schema() and table_name in ('probe_one', 'probe_two')`.execute(
      t.platform.db,
    );
    expect(tables.rows[0]!.n).toBe(0n);
  });

  it('refuses to run when an applied migration has changed', async () => {
    const known = await import('../../src/db/index.ts').then((m) => m.bundledMigrations());
    const changed = known.map((m) => (m.id === '0001_platform' ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    await expect(migrate(t.platform.db, changed)).rejects.toThrow(/changed after it was applied/);
  });
});

describe('the transaction helper', () => {
  it('retries a retryable failure and commits once', async () => {
    await sql`create table if not exists retry_probe (n int)`.execute(t.platform.db);
    let attempts = 0;
    await inTransaction(t.platform.db, async (trx) => {
      attempts++;
      await sql`insert into retry_probe values (${attempts})`.execute(trx);
      if (attempts < 3) throw new RetryableError('lost a race');
    });
    expect(attempts).toBe(3);
    const rows = await sql<{ n: number }>`select n from retry_probe`.execute(t.platform.db);
    expect(rows.rows).toEqual([{ n: 3 }]);
  });

  it('gives up after the bounded number of attempts', async () => {
    let attempts = 0;
    await expect(
      inTransaction(
        t.platform.db,
        async () => {
          attempts++;
          throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        },
        { maxAttempts: 4 },
      ),
    ).rejects.toThrow(/serialize/);
    expect(attempts).toBe(4);
  });

  it('does not retry an ordinary error', async () => {
    let attempts = 0;
    await expect(
      inTransaction(t.platform.db, async () => {
        attempts++;
        throw new Error('a bug');
      }),
    ).rejects.toThrow('a bug');
    expect(attempts).toBe(1);
  });

  it('for a group: a commit PostgreSQL refuses is its own error; one lost without an answer is CommitOutcomeUnknown', async () => {
    const db = t.platform.db;
    await sql`create table if not exists deferred_probe (id int primary key,
      parent int references deferred_probe (id) deferrable initially deferred)`.execute(db);
    // The foreign key is checked at COMMIT, which PostgreSQL refuses with a SQLSTATE: not committed.
    const refused = await inGroupTransaction(db, async (trx) => {
      await sql`insert into deferred_probe values (1, 99)`.execute(trx);
      return 'ran';
    }).catch((error: unknown) => error);
    expect(refused).not.toBeInstanceOf(CommitOutcomeUnknown);
    expect(sqlState(refused)).toBe('23503');
    const left = await sql<{ n: number }>`select count(*)::int as n from deferred_probe`.execute(db);
    expect(left.rows[0]!.n).toBe(0);

    // A connection lost at COMMIT (no SQLSTATE), after the work ran to its end: unknown.
    const lost = new Error('Connection terminated unexpectedly');
    const losing = () =>
      ({
        isTransaction: false,
        transaction: () => ({
          execute: async (fn: (trx: unknown) => Promise<unknown>) => {
            await fn({});
            throw lost;
          },
        }),
      }) as unknown as Executor;
    const unknown = await inGroupTransaction(losing(), async () => 'ran').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(CommitOutcomeUnknown);
    expect((unknown as CommitOutcomeUnknown).cause).toBe(lost);
    // The same error thrown before the work ran to its end is thrown as it is.
    const early = await inGroupTransaction(losing(), async () => {
      throw lost;
    }).catch((e: unknown) => e);
    expect(early).toBe(lost);
  });

  it.runIf(onPostgres)(
    'retries real serialization failures between concurrent serializable transactions',
    async () => {
      const db = t.platform.db;
      await sql`create table if not exists counter_probe (id int primary key, n int not null)`.execute(db);
      await sql`insert into counter_probe values (1, 0) on conflict do nothing`.execute(db);
      let attempts = 0;
      const increment = () =>
        inTransaction(
          db,
          async (trx) => {
            attempts++;
            const row = await sql<{ n: number }>`select n from counter_probe where id = 1`.execute(trx);
            await new Promise((resolve) => setTimeout(resolve, 20));
            await sql`update counter_probe set n = ${row.rows[0]!.n + 1} where id = 1`.execute(trx);
          },
          { isolation: 'serializable', maxAttempts: 50 },
        );
      await Promise.all(Array.from({ length: 8 }, increment));
      const final = await sql<{ n: number }>`select n from counter_probe where id = 1`.execute(db);
      expect(final.rows[0]!.n).toBe(8);
      expect(attempts).toBeGreaterThan(8);
    },
  );
});
