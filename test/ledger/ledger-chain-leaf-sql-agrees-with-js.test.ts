import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewTransfer } from '../../src/ledger/batch-state.ts';
import {
  asBuffer,
  BLOCK_SPAN,
  type LeafRow,
  pendingLink,
  STORED_LEAF_BYTES,
  transferCanonicalText,
  transferLeaf,
} from '../../src/ledger/chain.ts';
import { openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The writer hashes each transfer in SQL (ledger_transfer_leaf, migration 0015) and verify hashes it
 * again in JavaScript: the two must produce the same bytes for every value a column can hold, or an
 * untouched ledger would fail verify (or, worse, two different rows could share a text). Awkward
 * values: separators and digits inside ids, multi-byte and astral characters (whose UTF-8 length
 * differs from their JavaScript length), null against the empty string, the largest amount, and a
 * created_at with microseconds, which a JavaScript Date cannot hold.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform();
});
afterAll(() => t.close());

const base: LeafRow = {
  id: 't-1',
  debit_account_id: 'a',
  credit_account_id: 'b',
  amount: 1n,
  pending_id: null,
  ledger: 'CNY',
  code: 1,
  user_data: null,
  flags: 0,
  timeout_seconds: 0,
  timestamp: 65536n,
  created_us: 1_767_578_400_123_456n,
};

const awkward: LeafRow[] = [
  base,
  { ...base, id: 'a|b:c', debit_account_id: '1:a', credit_account_id: '-' },
  { ...base, user_data: '' },
  { ...base, user_data: '个人贷 – 🏦 emoji', pending_id: 'p|1' },
  { ...base, user_data: '-', pending_id: '' },
  {
    ...base,
    amount: 9_223_372_036_854_775_807n,
    code: 65535,
    flags: 2_147_483_647,
    timeout_seconds: 2_147_483_647,
  },
  { ...base, timestamp: 9_223_372_036_854_775_000n, created_us: -62_135_596_800_000_000n },
  { ...base, created_us: 0n, user_data: 'line\nbreak\ttab\\"quote' },
];

async function sqlLeaf(row: LeafRow): Promise<Buffer> {
  const result = await sql<{ leaf: Buffer }>`
    select ledger_transfer_leaf(${row.id}, ${row.debit_account_id}, ${row.credit_account_id}, ${row.amount}::int8,
                                ${row.pending_id}, ${row.ledger}, ${row.code}::int4, ${row.user_data}, ${row.flags}::int4,
                                ${row.timeout_seconds}::int4, ${row.timestamp}::int8,
                                to_timestamp(0) + make_interval(secs => 0) + (${row.created_us.toString()}::int8 * interval '1 microsecond')) as leaf`.execute(
    t.platform.db,
  );
  return asBuffer(result.rows[0]!.leaf);
}

describe('a transfer’s leaf', () => {
  it('is the same in SQL and in JavaScript for awkward values', async () => {
    for (const row of awkward)
      expect(
        (await sqlLeaf(row)).toString('hex'),
        JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)),
      ).toBe(transferLeaf(row).toString('hex'));
  });

  it('is the same when the writer hashes a new transfer before it has a row (pendingLink)', () => {
    // The writer hashes a batch's new transfers without building their rows: the slot of the
    // timestamp is the transfer's seq, and created_at is the batch's first (whole milliseconds).
    const createdAt = new Date(1_767_578_400_123);
    const rows = awkward.map((row, seq) => ({
      ...row,
      timestamp: 7n * BLOCK_SPAN + BigInt(seq),
      created_us: BigInt(createdAt.getTime()) * 1000n,
    }));
    const transfers: NewTransfer[] = rows.map((row, seq) => ({
      id: row.id,
      debitAccountId: row.debit_account_id,
      creditAccountId: row.credit_account_id,
      amount: row.amount,
      pendingId: row.pending_id,
      ledger: row.ledger,
      code: row.code,
      userData: row.user_data,
      flags: row.flags,
      timeoutSeconds: row.timeout_seconds,
      createdAt,
      seq,
    }));
    const link = pendingLink(transfers);
    const leaves = rows.map((row) => transferLeaf(row).subarray(0, STORED_LEAF_BYTES).toString('hex'));
    expect(link.transfers).toBe(rows.length);
    expect(link.leaves).toBe(leaves.join(''));
    // And a transfer differing in one field has another leaf.
    const changed = pendingLink([
      { ...transfers[0]!, amount: transfers[0]!.amount + 1n },
      ...transfers.slice(1),
    ]);
    expect(changed.leaves.slice(0, 2 * STORED_LEAF_BYTES)).not.toBe(leaves[0]);
  });

  it('tells null from the empty string and keeps values from running into each other', () => {
    const texts = [
      transferCanonicalText({ ...base, user_data: null }),
      transferCanonicalText({ ...base, user_data: '' }),
      transferCanonicalText({ ...base, user_data: '-' }),
      transferCanonicalText({ ...base, id: 't-1a', debit_account_id: '' }),
      transferCanonicalText({ ...base, id: 't-', debit_account_id: '1a' }),
    ];
    expect(new Set(texts).size).toBe(texts.length);
    expect(new Set(texts.map((text) => text.length)).size).toBeGreaterThan(1);
  });

  it('is what the ledger wrote for transfers stored through its API, microseconds included', async () => {
    const { ledger, db } = t.platform;
    await ledger.createAccounts([
      { id: 'leaf:a', ledger: 'CNY', code: 1 },
      { id: 'leaf:b', ledger: 'CNY', code: 1 },
      { id: 'leaf:c', ledger: 'CNY', code: 1 },
    ]);
    const results = await ledger.createTransfers([
      {
        id: 'leaf:1',
        debitAccountId: 'leaf:a',
        creditAccountId: 'leaf:b',
        amount: 9_223_372_036_854_775_807n,
        ledger: 'CNY',
        code: 7,
        userData: '个人贷 🏦|x',
      },
      {
        id: 'leaf:2',
        debitAccountId: 'leaf:c',
        creditAccountId: 'leaf:a',
        amount: 5n,
        ledger: 'CNY',
        code: 7,
      },
    ]);
    expect(results.map((r) => r.result)).toEqual(['ok', 'ok']);
    const stored = await sql<LeafRow & { sql_leaf: Buffer }>`
      select id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, user_data, flags, timeout_seconds,
             timestamp, (extract(epoch from created_at) * 1000000)::int8 as created_us,
             ledger_transfer_leaf(id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, user_data, flags,
                                  timeout_seconds, timestamp, created_at) as sql_leaf
      from ledger_transfers where id like 'leaf:%' order by timestamp`.execute(db);
    expect(stored.rows).toHaveLength(2);
    for (const row of stored.rows) expect(transferLeaf(row).equals(asBuffer(row.sql_leaf))).toBe(true);
    // A created_at with microseconds (which only SQL can write) still agrees.
    await sql`update ledger_transfers set created_at = created_at + interval '123 microseconds' where id = 'leaf:2'`.execute(
      db,
    );
    const moved = await sql<LeafRow & { sql_leaf: Buffer }>`
      select id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, user_data, flags, timeout_seconds,
             timestamp, (extract(epoch from created_at) * 1000000)::int8 as created_us,
             ledger_transfer_leaf(id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, user_data, flags,
                                  timeout_seconds, timestamp, created_at) as sql_leaf
      from ledger_transfers where id = 'leaf:2'`.execute(db);
    expect(moved.rows[0]!.created_us % 1000n).not.toBe(0n);
    expect(transferLeaf(moved.rows[0]!).equals(asBuffer(moved.rows[0]!.sql_leaf))).toBe(true);
  });
});
