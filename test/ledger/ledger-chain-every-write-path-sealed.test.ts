import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { AccountFlag, TransferFlag, type TransferInput } from '../../src/ledger/index.ts';
import { onPostgres, openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Transfers reach the table by every path the ledger has: single calls through the group committer,
 * a large batch (hashed while it is written), a batch inside a business transaction (with and without the caller vouching for new
 * ids), two-phase transfers posted and voided, many concurrent callers on a pool, and a business
 * transaction that rolls back. Each committed batch leaves exactly one pending chain row in the same
 * commit (none for the rolled-back one); sealing moves them all into the chain, a second seal finds
 * nothing, and verify holds over every transfer.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform({ poolSize: 24 });
});
afterAll(() => t.close());

const move = (id: string, amount: bigint, extra: Partial<TransferInput> = {}): TransferInput => ({
  id,
  debitAccountId: 'paths:bank',
  creditAccountId: 'paths:wallet',
  amount,
  ledger: 'CNY',
  code: 1,
  ...extra,
});

const count = async (table: string) =>
  Number(
    (await sql<{ n: bigint }>`select count(*) as n from ${sql.table(table)}`.execute(t.platform.db)).rows[0]!
      .n,
  );

describe(`the ledger chain over every write path (${onPostgres ? 'PostgreSQL pool' : 'PGlite'})`, () => {
  it('chains every committed transfer, and nothing of a rolled-back batch', async () => {
    const { ledger, db } = t.platform;
    await ledger.sealChain(); // whatever the demo data wrote
    const before = await count('ledger_transfers');
    await ledger.createAccounts([
      { id: 'paths:bank', ledger: 'CNY', code: 1001 },
      { id: 'paths:wallet', ledger: 'CNY', code: 2001, flags: AccountFlag.history },
    ]);
    expect(await count('ledger_chain_pending')).toBe(0); // accounts alone are not chained

    await ledger.createTransfers([move('paths:one', 5n)]);
    await ledger.createTransfers(
      Array.from({ length: 1500 }, (_, i) => move(`paths:batch:${i}`, BigInt(i + 1))),
    );
    await inTransaction(db, (trx) =>
      ledger.createTransfers([move('paths:tx:1', 3n), move('paths:tx:2', 4n)], { tx: trx }),
    );
    await inTransaction(db, (trx) =>
      ledger.createTransfers([move('paths:new:1', 6n)], { tx: trx, idsAreNew: true }),
    );
    await ledger.createTransfers([
      move('paths:hold:1', 50n, { flags: TransferFlag.pending, timeoutSeconds: 3600 }),
      move('paths:hold:2', 60n, { flags: TransferFlag.pending }),
    ]);
    await ledger.createTransfers([
      { id: 'paths:post:1', pendingId: 'paths:hold:1', amount: 0n, flags: TransferFlag.postPendingTransfer },
      { id: 'paths:void:2', pendingId: 'paths:hold:2', amount: 0n, flags: TransferFlag.voidPendingTransfer },
    ]);
    const concurrent = await Promise.all(
      Array.from({ length: 120 }, (_, i) => ledger.createTransfers([move(`paths:c:${i}`, 1n)])),
    );
    expect(concurrent.every(([r]) => r!.result === 'ok')).toBe(true);
    await expect(
      inTransaction(db, async (trx) => {
        await ledger.createTransfers([move('paths:rolled-back', 8n)], { tx: trx });
        throw new Error('the business change failed');
      }),
    ).rejects.toThrow('the business change failed');

    const written = (await count('ledger_transfers')) - before;
    expect(written).toBe(1 + 1500 + 2 + 1 + 2 + 2 + 120);
    const pending = await sql<{ transfers: number }>`select transfers from ledger_chain_pending`.execute(db);
    expect(pending.rows.reduce((sum, r) => sum + r.transfers, 0)).toBe(written);
    // Batches of the group committer may share a block; never more blocks than calls.
    expect(pending.rows.length).toBeGreaterThanOrEqual(6);
    expect(pending.rows.length).toBeLessThanOrEqual(6 + 120);

    const positionBefore = (await ledger.chainHead()).position;
    expect(await ledger.sealChain()).toBe(pending.rows.length);
    expect(await ledger.sealChain()).toBe(0);
    expect(await count('ledger_chain_pending')).toBe(0);
    const head = await ledger.chainHead();
    expect(head.position).toBe(positionBefore + BigInt(pending.rows.length));

    const report = await ledger.verifyChain();
    expect(report).toMatchObject({
      intact: true,
      records: Number(head.position),
      headPosition: Number(head.position),
      headHash: head.hash,
      pendingBlocks: 0,
      transfers: await count('ledger_transfers'),
    });
    // The chain's records cover exactly the transfers, each block once.
    const chained = await sql<{
      n: bigint;
    }>`select coalesce(sum(transfers), 0) as n from ledger_chain`.execute(db);
    expect(Number(chained.rows[0]!.n)).toBe(await count('ledger_transfers'));
  });

  it('checks batches written since the last seal too, before sealing them', async () => {
    const { ledger, db } = t.platform;
    await ledger.createTransfers([move('paths:late:1', 2n), move('paths:late:2', 2n)]);
    await sql`update ledger_transfers set user_data = 'edited' where id = 'paths:late:2'`.execute(db);
    // Verify seals first; the pending digest was written with the batch, so the edit shows.
    expect(await ledger.verifyChain()).toMatchObject({
      intact: false,
      problem: 'transfer_altered',
      transferId: 'paths:late:2',
    });
    await sql`update ledger_transfers set user_data = null where id = 'paths:late:2'`.execute(db);
    expect(await ledger.verifyChain()).toMatchObject({ intact: true, pendingBlocks: 0 });
  });
});
