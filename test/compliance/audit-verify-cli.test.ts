import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { inTransaction } from '../../src/db/index.ts';
import { ADMIN_TOKEN as ADMIN } from '../../src/identity/index.ts';
import { runNetfin, sharedCliDatabase } from '../support/cli.ts';

/**
 * An operator runs `netfin audit verify` on a database where an audit record was edited behind the
 * application's back: it exits 1 and names that record. The database is a data directory (PGlite)
 * or a schema of its own (PostgreSQL), shared by this process and the command's.
 */
const { env, remove } = sharedCliDatabase('audit-cli');
afterAll(remove);

describe('netfin audit verify', () => {
  it('exits 1 and names the record edited behind the application', async () => {
    const platform = await openPlatform(loadConfig(env), { log: () => {} });
    let edited: string;
    try {
      for (let i = 0; i < 3; i++)
        await platform.identity.audit({ principal: ADMIN, ip: null }, { action: 'test.cli', details: { i } });
      edited = (
        await sql<{ id: string }>`select id from audit_log where chain_position = 2`.execute(platform.db)
      ).rows[0]!.id;
      await inTransaction(platform.db, async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
        await sql`update audit_log set actor_id = 'someone-else' where id = ${edited}::uuid`.execute(trx);
        await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
      });
    } finally {
      await platform.close();
    }
    const run = await runNetfin(['audit', 'verify'], env);
    expect(run.code, run.err).toBe(1);
    expect(run.out).toContain(`broken at position 2 (record ${edited})`);
    expect(run.out).toContain('record_altered');
  });
});
