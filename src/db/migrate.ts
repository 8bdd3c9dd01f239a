import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { type Executor, inTransaction } from './transaction.ts';

export interface Migration {
  /** "0001_platform": the number orders migrations; the name says what it does. */
  readonly id: string;
  readonly sql: string;
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** The migrations shipped with this version of netfin, in order. */
export function bundledMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((name) => FILE_NAME.test(name))
    .sort()
    .map((name) => ({
      id: name.replace(/\.sql$/, ''),
      sql: readFileSync(new URL(name, MIGRATIONS_DIR), 'utf8'),
    }));
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export interface MigrationReport {
  readonly applied: string[];
  readonly alreadyApplied: number;
}

/**
 * Applies the pending migrations, forward only, all in one transaction: if any of them fails, the
 * database is left exactly as it was. An advisory lock keeps two processes starting at once from
 * racing. An applied migration whose text has since changed, or one the code does not know, stops
 * everything: the schema and the code disagree, and guessing would be worse.
 */
export async function migrate(
  db: Executor,
  migrations: readonly Migration[] = bundledMigrations(),
): Promise<MigrationReport> {
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':netfin:migrations'))`.execute(trx);
    await sql`create table if not exists schema_migrations (
      id text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const rows = await sql<{
      id: string;
      checksum: string;
    }>`select id, checksum from schema_migrations order by id`.execute(trx);
    const known = new Map(migrations.map((m) => [m.id, m]));
    for (const row of rows.rows) {
      const migration = known.get(row.id);
      if (!migration)
        throw new MigrationError(
          `the database has migration ${row.id}, which this version of netfin does not know`,
        );
      if (checksum(migration.sql) !== row.checksum) {
        throw new MigrationError(
          `migration ${row.id} was changed after it was applied; add a new migration instead`,
        );
      }
    }
    const done = new Set(rows.rows.map((row) => row.id));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      try {
        await sql.raw(migration.sql).execute(trx);
      } catch (error) {
        throw new MigrationError(`migration ${migration.id} failed: ${(error as Error).message}`);
      }
      await sql`insert into schema_migrations (id, checksum) values (${migration.id}, ${checksum(migration.sql)})`.execute(
        trx,
      );
      applied.push(migration.id);
    }
    return { applied, alreadyApplied: done.size };
  });
}

export interface MigrationState {
  /** Migrations this version ships that the database has not applied. */
  readonly missing: string[];
  /** Migrations the database has applied that this version does not know (a newer netfin's). */
  readonly unknown: string[];
}

/**
 * How the database's migrations stand against this version's, read without a lock or a write (the
 * readiness check asks it): both lists empty means the schema is the one this code expects. A
 * database with no migrations table has every migration missing.
 */
export async function migrationState(
  db: Executor,
  migrations: readonly Migration[] = bundledMigrations(),
): Promise<MigrationState> {
  const table = await sql<{
    name: string | null;
  }>`select to_regclass('schema_migrations')::text as name`.execute(db);
  if (!table.rows[0]?.name) return { missing: migrations.map((m) => m.id), unknown: [] };
  const rows = await sql<{ id: string }>`select id from schema_migrations`.execute(db);
  const applied = new Set(rows.rows.map((row) => row.id));
  const known = new Set(migrations.map((m) => m.id));
  return {
    missing: migrations.filter((m) => !applied.has(m.id)).map((m) => m.id),
    unknown: [...applied].filter((id) => !known.has(id)).sort(),
  };
}
