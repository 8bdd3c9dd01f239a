import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { copySchema, migrate, openDatabase, quoteIdent } from '../../src/db/index.ts';
import { onPostgres } from '../support/platform.ts';

/**
 * copySchema (PostgreSQL only) copies the triggers, pointed at the copy's own functions: the CRM's
 * change triggers (migration 0045) fire in a copied schema as in the original.
 */
it.skipIf(!onPostgres)('copies the triggers and their functions into the new schema', async () => {
  const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
  const from = `tmp_copy_${process.pid}`;
  const to = `${from}_w2`;
  try {
    await sql.raw(`create schema ${quoteIdent(from)}`).execute(admin.db);
    await sql.raw(`set search_path to ${quoteIdent(from)}`).execute(admin.db);
    await migrate(admin.db);
    await sql.raw('set search_path to public').execute(admin.db);
    await copySchema(admin.db, from, to);
    const count = async (schema: string) =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from pg_trigger t join pg_class c on c.oid = t.tgrelid
          join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${schema} and not t.tgisinternal`.execute(
          admin.db,
        )
      ).rows[0]!.n;
    expect(await count(to)).toBe(await count(from));
    expect(await count(to)).toBeGreaterThan(30);
    await sql.raw(`set search_path to ${quoteIdent(to)}`).execute(admin.db);
    const fn = await sql<{
      schema: string;
    }>`select n.nspname as schema from pg_proc p join pg_namespace n on n.oid = p.pronamespace where p.proname = 'crm_touch_user'
        and n.nspname in (${from}, ${to})`.execute(admin.db);
    // Other schemas of the same database (other tests', kept books) have their own; only these two count.
    expect(fn.rows.map((r) => r.schema).sort()).toEqual([from, to].sort());
  } finally {
    await sql.raw('set search_path to public').execute(admin.db);
    await sql.raw(`drop schema if exists ${quoteIdent(from)} cascade`).execute(admin.db);
    await sql.raw(`drop schema if exists ${quoteIdent(to)} cascade`).execute(admin.db);
    await admin.close();
  }
});
