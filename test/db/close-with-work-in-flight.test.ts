import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { inTransaction, openDatabase, quoteIdent } from '../../src/db/index.ts';
import { onPostgres } from '../support/platform.ts';

/**
 * Closing the database while work is in flight ends, on PostgreSQL's pool: work that holds a
 * connection and waits for a second one (here a transaction that reads outside itself, with a pool
 * of one) is refused the second, rolls back and gives the first back, so the pool can end. pg's own
 * Pool.end() would wait for it forever. (PGlite has no pool: nothing to test there.)
 */
describe.skipIf(!onPostgres)('closing the database with work in flight', () => {
  it('refuses the waiting request, so the holder gives its connection back and the close ends', async () => {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const database = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1, schema });
    try {
      let holding!: () => void;
      const holds = new Promise<void>((resolve) => {
        holding = resolve;
      });
      const work = inTransaction(database.db, async (trx) => {
        await sql`select 1`.execute(trx);
        holding();
        // The pool's only connection is this transaction's: this read waits for another.
        await sql`select 2`.execute(database.db);
      });
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
});
