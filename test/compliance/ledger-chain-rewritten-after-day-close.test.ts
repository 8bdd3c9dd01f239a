import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainRecordHash } from '../../src/ledger/chain.ts';
import type { TransferInput } from '../../src/ledger/index.ts';
import { closeTo } from '../support/batch.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';

/**
 * Day-close seals the day's batches (ledger.chain-seal, position 940) and records the ledger chain's
 * head beside the audit chain's (compliance, position 950). Someone who knows the hashing rules then
 * changes a transfer of the second day and rewrites everything consistently: the block's digest and
 * leaves, every record's hash from there on, and the head. The chain on its own holds; the head
 * recorded at the second close does not, and verify says between which positions the rewrite lies.
 */
let t: TestApp;
let day = 0;
const write = async (n: number) => {
  day += 1;
  for (let i = 0; i < n; i++)
    await t.platform.ledger.createTransfers([
      {
        id: `daily:${day}:${i}`,
        debitAccountId: 'daily:bank',
        creditAccountId: 'daily:wallet',
        amount: 100n,
        ledger: 'CNY',
        code: 1,
      } satisfies TransferInput,
    ]);
};
const get = async (url: string) => {
  const response = await t.app.inject({ method: 'GET', url, headers: asAdmin });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

beforeAll(async () => {
  t = await openTestApp();
  await t.platform.ledger.createAccounts([
    { id: 'daily:bank', ledger: 'CNY', code: 1001 },
    { id: 'daily:wallet', ledger: 'CNY', code: 2001 },
  ]);
});
afterAll(() => t.close());

describe('a ledger chain rewritten after the day-close recorded its head', () => {
  it('seals the day and records the ledger head beside the audit head', async () => {
    const first = await t.platform.batch.businessDate();
    await write(2);
    await closeTo(t, first);
    expect((await sql`select * from ledger_chain_pending`.execute(t.platform.db)).rows).toHaveLength(0);
    const second = await t.platform.batch.businessDate();
    await write(3);
    await closeTo(t, second);

    const heads = (await get('/v1/compliance/audit-chain/heads')).items;
    expect(heads.map((h: { businessDate: string }) => h.businessDate)).toEqual([second, first]);
    const ledgerHead = await t.platform.ledger.chainHead();
    expect(heads[0]).toMatchObject({
      ledgerPosition: ledgerHead.position.toString(),
      ledgerHash: ledgerHead.hash,
    });
    expect(BigInt(heads[1].ledgerPosition)).toBeLessThanOrEqual(BigInt(heads[0].ledgerPosition) - 3n);
    const report = await get('/v1/compliance/audit-chain/verify');
    expect(report).toMatchObject({ intact: true, ledger: { intact: true, recordedHeads: 2 } });
  });

  it('finds a consistent rewrite by the recorded head it no longer reaches', async () => {
    const { db, ledger } = t.platform;
    const [secondHead, firstHead] = (await get('/v1/compliance/audit-chain/heads')).items;
    const target = BigInt(firstHead.ledgerPosition) + 1n; // a record of the second day
    const block = (
      await sql<{ block: bigint }>`select block from ledger_chain where position = ${target}`.execute(db)
    ).rows[0]!.block;
    // Change the block's transfers, then recompute its digest and leaves (with the database's own
    // leaf function) and every hash from there on, as someone knowing the rules could.
    await sql`update ledger_transfers set amount = amount + 1 where timestamp >= ${block} and timestamp < ${block} + 65536`.execute(
      db,
    );
    await sql`
      update ledger_chain as c set digest = d.digest, leaves = d.leaves
      from (select sha256(string_agg(leaf, ''::bytea order by ts)) as digest,
                   string_agg(substring(leaf from 1 for 8), ''::bytea order by ts) as leaves
            from (select timestamp as ts,
                         ledger_transfer_leaf(id, debit_account_id, credit_account_id, amount, pending_id, ledger, code,
                                              user_data, flags, timeout_seconds, timestamp, created_at) as leaf
                  from ledger_transfers where timestamp >= ${block} and timestamp < ${block} + 65536) as l) as d
      where c.position = ${target}`.execute(db);
    const rows = await sql<{
      position: bigint;
      block: bigint;
      transfers: number;
      digest: Uint8Array;
      prev_hash: string;
    }>`
      select position, block, transfers, digest, prev_hash from ledger_chain where position >= ${target} order by position`.execute(
      db,
    );
    let prevHash = rows.rows[0]!.prev_hash;
    for (const row of rows.rows) {
      const hash = chainRecordHash({ ...row, prevHash });
      await sql`update ledger_chain set prev_hash = ${prevHash}, hash = ${hash} where position = ${row.position}`.execute(
        db,
      );
      prevHash = hash;
    }
    await sql`update ledger_chain_head set hash = ${prevHash}`.execute(db);

    // The chain by itself holds: only the recorded head tells.
    expect(await ledger.verifyChain()).toMatchObject({ intact: true });
    const report = await get('/v1/compliance/audit-chain/verify');
    expect(report).toMatchObject({ intact: false, auditIntact: true });
    expect(report.ledger).toMatchObject({
      intact: false,
      problem: 'recorded_head_mismatch',
      position: Number(secondHead.ledgerPosition),
      records: Number(firstHead.ledgerPosition),
    });
  });
});
