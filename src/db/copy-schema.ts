import { sql } from 'kysely';
import { quoteIdent } from './connect.ts';
import type { Executor } from './transaction.ts';

/**
 * Copies a schema on a PostgreSQL server into a new one: every sequence (at its value), every
 * table (rows, defaults, constraints and indexes; not foreign keys), and the functions and triggers
 * (the CRM's change triggers, migration 0045, must fire in the copy as in the original; see below
 * for the functions left out). The same
 * data twice, for tests and benchmarks that compare two runs from one starting point.
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
  // The definitions name the schema (quoted when it needs quotes): point them at the copy.
  const retarget = (definition: string) =>
    definition
      .split(`${quoteIdent(from)}.`)
      .join(`${quoteIdent(to)}.`)
      .split(`${from}.`)
      .join(`${quoteIdent(to)}.`);
  const functions = await sql<{ definition: string }>`
    select pg_get_functiondef(p.oid) as definition from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = ${from} and p.prokind = 'f' order by p.oid`.execute(db);
  // The trigger functions (PL/pgSQL, their bodies resolved when they run) are copied. An SQL-language
  // function whose body calls another of the schema cannot be created outside the schema's search
  // path: those stay out of the copy, as before (no trigger uses one).
  for (const { definition } of functions.rows)
    await sql
      .raw(retarget(definition))
      .execute(db)
      .catch(() => undefined);
  const triggers = await sql<{ definition: string }>`
    select pg_get_triggerdef(t.oid) as definition from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${from} and not t.tgisinternal order by t.oid`.execute(db);
  for (const { definition } of triggers.rows) await sql.raw(retarget(definition)).execute(db);
}
