import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import type { TransferInput } from '../../src/ledger/index.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';

/**
 * Someone with write access to the database goes around the ledger: changes a transfer's amount,
 * deletes a transfer, inserts one, edits a sealed chain record. Each time the verify route says the
 * ledger chain is broken and names the record (its position and block) and, where there is one, the
 * transfer; the audit part still holds; and once the change is undone the chain holds again.
 */
let t: TestApp;
const transfer = (id: string, amount: bigint): TransferInput => ({
  id,
  debitAccountId: 'tamper:bank',
  creditAccountId: 'tamper:wallet',
  amount,
  ledger: 'CNY',
  code: 1,
});

beforeAll(async () => {
  t = await openTestApp();
  const { ledger, db } = t.platform;
  await ledger.createAccounts([
    { id: 'tamper:bank', ledger: 'CNY', code: 1001 },
    { id: 'tamper:wallet', ledger: 'CNY', code: 2001 },
  ]);
  // One batch of five (one block), singles through the group committer, and a batch inside a
  // business transaction.
  await ledger.createTransfers([1, 2, 3, 4, 5].map((i) => transfer(`tamper:batch:${i}`, BigInt(i * 100))));
  await Promise.all([1, 2, 3].map((i) => ledger.createTransfers([transfer(`tamper:single:${i}`, 7n)])));
  await inTransaction(db, (trx) =>
    ledger.createTransfers([transfer('tamper:tx:1', 9n), transfer('tamper:tx:2', 11n)], { tx: trx }),
  );
});
afterAll(() => t.close());

const verify = async () => {
  const response = await t.app.inject({
    method: 'GET',
    url: '/v1/compliance/audit-chain/verify',
    headers: asAdmin,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

/** The transfer, and the chain record of its block. */
async function located(id: string) {
  const row = (
    await sql<{ id: string; amount: bigint; timestamp: bigint; position: bigint; block: bigint }>`
      select t.id, t.amount, t.timestamp, c.position, c.block
      from ledger_transfers as t join ledger_chain as c on t.timestamp >= c.block and t.timestamp < c.block + 65536
      where t.id = ${id}`.execute(t.platform.db)
  ).rows[0];
  expect(row, id).toBeDefined();
  return row!;
}

describe('the ledger chain under out-of-band changes', () => {
  it('holds as the ledger wrote it, every transfer in a sealed record', async () => {
    const report = await verify();
    const written = (
      await sql<{ n: bigint }>`select count(*) as n from ledger_transfers`.execute(t.platform.db)
    ).rows[0]!.n;
    expect(report).toMatchObject({ intact: true, auditIntact: true });
    expect(report.ledger).toMatchObject({ intact: true, transfers: Number(written), pendingBlocks: 0 });
    expect(report.ledger.records).toBeGreaterThanOrEqual(3);
    expect(report.ledger.headHash).toMatch(/^[0-9a-f]{64}$/);
    // Verify sealed everything: nothing is left pending.
    expect((await sql`select * from ledger_chain_pending`.execute(t.platform.db)).rows).toHaveLength(0);
  });

  it('names the transfer whose amount was changed, and holds again once it is changed back', async () => {
    const target = await located('tamper:batch:3');
    await sql`update ledger_transfers set amount = 1 where id = ${target.id}`.execute(t.platform.db);
    const report = await verify();
    expect(report).toMatchObject({ intact: false, auditIntact: true });
    expect(report.ledger).toMatchObject({
      intact: false,
      problem: 'transfer_altered',
      position: Number(target.position),
      block: target.block.toString(),
      transferId: 'tamper:batch:3',
    });
    await sql`update ledger_transfers set amount = ${target.amount} where id = ${target.id}`.execute(
      t.platform.db,
    );
    expect((await verify()).ledger).toMatchObject({ intact: true });
  });

  it('finds a deleted transfer in its record, and the last one of a block too', async () => {
    const { db } = t.platform;
    const saved =
      await sql`select * from ledger_transfers where id in ('tamper:batch:2', 'tamper:batch:5')`.execute(db);
    const target = await located('tamper:batch:2');
    await sql`delete from ledger_transfers where id = 'tamper:batch:2'`.execute(db);
    expect((await verify()).ledger).toMatchObject({
      intact: false,
      problem: 'transfer_missing',
      position: Number(target.position),
      block: target.block.toString(),
    });
    expect((await verify()).ledger.detail).toContain('#2 of 5 is missing (before tamper:batch:3)');
    await sql`insert into ledger_transfers select * from json_populate_recordset(null::ledger_transfers, ${JSON.stringify(
      saved.rows.filter((r) => (r as { id: string }).id === 'tamper:batch:2'),
      (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
    )}::json)`.execute(db);
    expect((await verify()).ledger).toMatchObject({ intact: true });
    await sql`delete from ledger_transfers where id = 'tamper:batch:5'`.execute(db);
    expect((await verify()).ledger).toMatchObject({
      intact: false,
      problem: 'transfer_missing',
      position: Number(target.position),
    });
    expect((await verify()).ledger.detail).toContain('#5 of 5 is missing (after tamper:batch:4)');
    await sql`insert into ledger_transfers select * from json_populate_recordset(null::ledger_transfers, ${JSON.stringify(
      saved.rows.filter((r) => (r as { id: string }).id === 'tamper:batch:5'),
      (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
    )}::json)`.execute(db);
    expect((await verify()).ledger).toMatchObject({ intact: true });
  });

  it('names a transfer inserted into a sealed block, into no block, and beyond the last block', async () => {
    const { db } = t.platform;
    const target = await located('tamper:batch:1');
    const insert = (id: string, timestamp: bigint) =>
      sql`insert into ledger_transfers (id, debit_account_id, credit_account_id, amount, ledger, code, flags, timestamp, created_at)
          values (${id}, 'tamper:bank', 'tamper:wallet', 500, 'CNY', 1, 0, ${timestamp}, now())`.execute(db);
    await insert('forged:in-block', target.block + 60_000n);
    expect((await verify()).ledger).toMatchObject({
      intact: false,
      problem: 'transfer_inserted',
      position: Number(target.position),
      transferId: 'forged:in-block',
    });
    await sql`delete from ledger_transfers where id = 'forged:in-block'`.execute(db);

    // A block between two sealed ones that no batch wrote transfers into (an account batch's, say).
    const used = new Set(
      (await sql<{ block: bigint }>`select block from ledger_chain`.execute(db)).rows.map((r) => r.block),
    );
    let free = target.block + 65536n;
    while (used.has(free)) free += 65536n;
    await insert('forged:own-block', free + 3n);
    expect((await verify()).ledger).toMatchObject({
      intact: false,
      problem: 'transfer_inserted',
      position: null,
      transferId: 'forged:own-block',
    });
    await sql`delete from ledger_transfers where id = 'forged:own-block'`.execute(db);

    await insert('forged:future', 9_000_000_000_000_000_000n);
    expect((await verify()).ledger).toMatchObject({
      problem: 'transfer_inserted',
      transferId: 'forged:future',
    });
    await sql`delete from ledger_transfers where id = 'forged:future'`.execute(db);
    expect((await verify()).ledger).toMatchObject({ intact: true });
  });

  it('names an edited chain record, and a record whose link was rewired', async () => {
    const { db } = t.platform;
    const target = await located('tamper:single:1');
    await sql`update ledger_chain set transfers = transfers + 1 where position = ${target.position}`.execute(
      db,
    );
    expect((await verify()).ledger).toMatchObject({
      intact: false,
      problem: 'record_altered',
      position: Number(target.position),
      records: Number(target.position) - 1,
    });
    await sql`update ledger_chain set transfers = transfers - 1 where position = ${target.position}`.execute(
      db,
    );
    await sql`update ledger_chain set prev_hash = repeat('1', 64) where position = ${target.position}`.execute(
      db,
    );
    expect((await verify()).ledger).toMatchObject({
      intact: false,
      problem: 'link_broken',
      position: Number(target.position),
    });
  });
});
