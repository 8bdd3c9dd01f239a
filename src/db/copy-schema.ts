import { sql } from 'kysely';
import { quoteIdent } from './connect.ts';
import type { Executor } from './transaction.ts';

/**
 * Copies a schema on a PostgreSQL server into a new one: every sequence (at its value) and every
 * table (rows, defaults, constraints and indexes; not foreign keys). The same data twice, for tests
 * and benchmarks that compare two runs from one starting point.
 */
export async function copySchema(db: Executor, from: string, to: string): Promise<void> {
  await sql.raw(`create schema ${quoteIdent(to)}`).execute(db);
  const sequences = await sql<{ name: string }>`
    select sequence_name as name from information_schema.sequences where sequence_schema = ${from}`.execute(
    db,
  );
  for (const { name } of sequences.rows) {
    const value = await sql
      .raw<{ v: string; c: boolean }>(
        `select last_value::text as v, is_called as c from ${quoteIdent(from)}.${quoteIdent(name)}`,
      )
      .execute(db);
    const target = `${quoteIdent(to)}.${quoteIdent(name)}`;
    await sql.raw(`create sequence ${target}`).execute(db);
    await sql`select setval(${target}::regclass, ${value.rows[0]!.v}::int8, ${value.rows[0]!.c})`.execute(db);
  }
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = ${from} and table_type = 'BASE TABLE'`.execute(
    db,
  );
  for (const { name } of tables.rows) {
    const [f, t] = [`${quoteIdent(from)}.${quoteIdent(name)}`, `${quoteIdent(to)}.${quoteIdent(name)}`];
    await sql.raw(`create table ${t} (like ${f} including all)`).execute(db);
    await sql.raw(`insert into ${t} select * from ${f}`).execute(db);
  }
}
