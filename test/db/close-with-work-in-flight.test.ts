import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { type Database, inTransaction, openDatabase, quoteIdent } from '../../src/db/index.ts';
import { onPostgres } from '../support/platform.ts';

/**
 * Closing the database while work is in flight ends, on PostgreSQL's pool: work that holds a
 * connection and waits for a second one (here a transaction that reads outside itself, with a pool
 * of one) is refused the second, rolls back and gives the first back, so the pool can end. pg's own
 * Pool.end() would wait for it forever. A holder that never lets go has its connection cut after the
 * grace period. (PGlite has no pool: nothing to test there.)
 */
/** Work that takes a connection in a transaction (`holds` resolves then) and goes on to `next`. */
function holdAConnection(database: Database, next: () => Promise<unknown>) {
  let holding!: () => void;
  const holds = new Promise<void>((resolve) => {
    holding = resolve;
  });
  const work = inTransaction(database.db, async (trx) => {
    await sql`select 1`.execute(trx);
    holding();
    await next();
  });
  return { work, holds };
}

describe.skipIf(!onPostgres)('closing the database with work in flight', () => {
  it('refuses the waiting request, so the holder gives its connection back and the close ends', async () => {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const database = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1, schema });
    try {
      // The pool's only connection is this transaction's: its read outside it waits for another.
      const { work, holds } = holdAConnection(database, () => sql`select 2`.execute(database.db));
      const outcome = work.then(
        () => 'finished',
        (error: Error) => error.message,
      );
      await holds;
      await database.close();
      expect(await outcome).toBe('the database is closing');
    } finally {
      const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    }
  });

  it('cuts a connection whose holder never lets go, ends the pool and leaves no session behind', async () => {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const applicationName = `netfin-close-test:${schema}`;
    const database = await openDatabase({
      url: process.env.DATABASE_URL,
      poolSize: 2,
      schema,
      applicationName,
      closeGraceMs: 300,
    });
    const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
    const sessions = async () =>
      (
        await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity where application_name = ${applicationName}`.execute(
          admin.db,
        )
      ).rows[0]!.n;
    try {
      // A transaction that waits on something that never happens: only the close can end it.
      const { work, holds } = holdAConnection(database, () => new Promise(() => {}));
      void work.catch(() => undefined);
      await holds;
      expect(await sessions()).toBe(1);
      const said: string[] = [];
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
        said.push(String(text));
        return true;
      });
      try {
        await database.close();
      } finally {
        stderr.mockRestore();
      }
      expect(said.join('')).toMatch(/1 connection\(s\) still in use after 300 ms were cut/);
      // The server ends the cut session once it sees its client gone.
      for (let i = 0; i < 100 && (await sessions()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await sessions()).toBe(0);
    } finally {
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    }
  });
});
