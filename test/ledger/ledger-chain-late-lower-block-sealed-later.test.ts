import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import type { TransferInput } from '../../src/ledger/index.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * A batch takes its timestamp block when it writes, but commits when its transaction does: a
 * business transaction may take block 100 and commit after the group committer's block 101 was
 * committed and sealed. The sealer then seals block 100 after 101: the chain's order is the order of
 * sealing, and verify holds. On PostgreSQL this is played with two real transactions on the pool;
 * on both databases, with the block sequence set back, which gives the same rows.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform({ poolSize: 8 });
  await t.platform.ledger.createAccounts([
    { id: 'late:bank', ledger: 'CNY', code: 1001 },
    { id: 'late:wallet', ledger: 'CNY', code: 2001 },
    { id: 'late:other', ledger: 'CNY', code: 2001 },
    { id: 'late:source', ledger: 'CNY', code: 1001 },
  ]);
});
afterAll(() => t.close());

const move = (id: string, credit = 'late:wallet', debit = 'late:bank'): TransferInput => ({
  id,
  debitAccountId: debit,
  creditAccountId: credit,
  amount: 10n,
  ledger: 'CNY',
  code: 1,
});

const record = async (id: string) =>
  (
    await sql<{ position: bigint; block: bigint }>`
      select c.position, c.block from ledger_transfers as t
      join ledger_chain as c on t.timestamp >= c.block and t.timestamp < c.block + 65536
      where t.id = ${id}`.execute(t.platform.db)
  ).rows[0]!;

describe('a batch that commits after a higher block was sealed', () => {
  it('is sealed after it, and the chain holds (block sequence set back)', async () => {
    const { ledger, db } = t.platform;
    const last = (await sql<{ v: bigint }>`select last_value as v from ledger_timestamp_block`.execute(db))
      .rows[0]!.v;
    await sql`select setval('ledger_timestamp_block', ${last + 100n})`.execute(db);
    await ledger.createTransfers([move('late:high:1'), move('late:high:2')]);
    await ledger.sealChain();
    await sql`select setval('ledger_timestamp_block', ${last + 50n})`.execute(db);
    await ledger.createTransfers([move('late:low:1')]);
    await sql`select setval('ledger_timestamp_block', ${last + 200n})`.execute(db);
    expect(await ledger.sealChain()).toBe(1);
    const high = await record('late:high:1');
    const low = await record('late:low:1');
    expect(low.block).toBeLessThan(high.block);
    expect(low.position).toBe(high.position + 1n);
    expect(await ledger.verifyChain()).toMatchObject({ intact: true, pendingBlocks: 0 });
  });

  it.runIf(onPostgres)('is sealed after it when two transactions really commit in that order', async () => {
    const { ledger, db } = t.platform;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written!: () => void;
    const wroteLow = new Promise<void>((resolve) => {
      written = resolve;
    });
    // The business transaction takes its block first and keeps its transaction open (and its
    // accounts locked: the other batch must touch other accounts).
    const slow = inTransaction(db, async (trx) => {
      await ledger.createTransfers([move('late:tx:slow', 'late:other', 'late:source')], { tx: trx });
      written();
      await released;
    });
    await wroteLow;
    await ledger.createTransfers([move('late:tx:fast')]);
    expect(await ledger.sealChain()).toBe(1); // the open transaction's block is not visible yet
    release();
    await slow;
    expect(await ledger.sealChain()).toBe(1);
    const fast = await record('late:tx:fast');
    const slowRecord = await record('late:tx:slow');
    expect(slowRecord.block).toBeLessThan(fast.block);
    expect(slowRecord.position).toBe(fast.position + 1n);
    expect(await ledger.verifyChain()).toMatchObject({ intact: true });
  });
});
