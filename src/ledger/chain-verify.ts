import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { assert } from '../kernel/index.ts';
import {
  asBuffer,
  BLOCK_SPAN,
  blockDigest,
  blockOf,
  chainRecordHash,
  LEDGER_GENESIS_HASH,
  type LeafRow,
  STORED_LEAF_BYTES,
  transferLeaf,
  unchainedEntry,
} from './chain.ts';

/**
 * Verifies the ledger's hash chain in JavaScript, from the stored rows, trusting no function of the
 * database (a tamperer could redefine ledger_transfer_leaf): it recomputes every record's hash and
 * link, every block's digest from its transfers, and the digest of the transfers written before
 * the chain began, all in one repeatable-read snapshot so that batches committed meanwhile are
 * neither half-read nor taken for a break. Memory stays bounded: the records are read a page at a
 * time, and the transfers in timestamp order through windows of the BRIN index.
 */

export type LedgerChainProblem =
  | 'record_altered'
  | 'record_missing'
  | 'link_broken'
  | 'head_mismatch'
  | 'transfer_altered'
  | 'transfer_missing'
  | 'transfer_inserted'
  | 'unchained_transfers_changed';

export type LedgerChainReport =
  | {
      readonly intact: true;
      /** Sealed records (one per batch). */
      readonly records: number;
      readonly headPosition: number;
      readonly headHash: string;
      /** Batches written but not sealed yet; their digests were checked too. */
      readonly pendingBlocks: number;
      /** Transfers checked against their block's digest. */
      readonly transfers: number;
      /** Transfers written before the chain began, checked against the count and digest kept then. */
      readonly unchainedTransfers: number;
    }
  | {
      readonly intact: false;
      /** Records checked and found good before the break. */
      readonly records: number;
      readonly problem: LedgerChainProblem;
      /** The chain position of the record that does not hold (null: a pending block, or none). */
      readonly position: number | null;
      /** The timestamp block of that record (the batch's timestamp base), as decimal text. */
      readonly block: string | null;
      /** The transfer whose content no longer matches, or that is there without being chained. */
      readonly transferId: string | null;
      readonly detail: string;
    };

type Broken = Extract<LedgerChainReport, { intact: false }>;

const RECORD_PAGE = 2000;
const BLOCK_PAGE = 200;
const ROW_PAGE = 20_000;

interface Head {
  position: bigint;
  hash: string;
  chain_begins: bigint;
  unchained_rows: bigint;
  unchained_digest: Uint8Array;
}

export function verifyLedgerChain(db: Executor): Promise<LedgerChainReport> {
  return inTransaction(
    db,
    async (trx) => {
      const head = (
        await sql<Head>`
          select position, hash, chain_begins, unchained_rows, unchained_digest from ledger_chain_head`.execute(
          trx,
        )
      ).rows[0];
      assert(head !== undefined, 'the ledger chain has one head row');
      const links = await walkLinks(trx, head);
      if (links) return links;
      const content = await checkBlocks(trx, head);
      if ('intact' in content) return content;
      const unchained = await checkUnchained(trx, head);
      if (unchained) return unchained;
      return {
        intact: true,
        records: Number(head.position),
        headPosition: Number(head.position),
        headHash: head.hash,
        pendingBlocks: content.pendingBlocks,
        transfers: content.transfers,
        unchainedTransfers: Number(head.unchained_rows),
      };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}

/** Walks the records in position order: gapless positions, links, hashes, and the head at the end. */
async function walkLinks(trx: Executor, head: Head): Promise<Broken | undefined> {
  let expected = 1n;
  let prevHash = LEDGER_GENESIS_HASH;
  const broken = (problem: LedgerChainProblem, block: bigint | null, detail: string): Broken => ({
    intact: false,
    records: Number(expected - 1n),
    problem,
    position: Number(expected),
    block: block === null ? null : block.toString(),
    transferId: null,
    detail,
  });
  for (;;) {
    const page = await sql<{
      position: bigint;
      block: bigint;
      transfers: number;
      digest: Buffer;
      prev_hash: string;
      hash: string;
    }>`
      select position, block, transfers, digest, prev_hash, hash from ledger_chain
      where position >= ${expected} order by position limit ${RECORD_PAGE}`.execute(trx);
    for (const row of page.rows) {
      if (row.position !== expected)
        return broken(
          'record_missing',
          null,
          `no record at position ${expected}; the next is at ${row.position}`,
        );
      if (row.prev_hash !== prevHash)
        return broken('link_broken', row.block, 'its previous hash is not the hash of the record before it');
      const hash = chainRecordHash({ ...row, prevHash });
      if (hash !== row.hash)
        return broken('record_altered', row.block, 'its content no longer matches its hash');
      prevHash = hash;
      expected += 1n;
    }
    if (page.rows.length < RECORD_PAGE) break;
  }
  const last = expected - 1n;
  if (last !== head.position || prevHash !== head.hash)
    return broken(
      last < head.position ? 'record_missing' : 'head_mismatch',
      null,
      `the chain ends at position ${last} but its head is at ${head.position}`,
    );
  return undefined;
}

/** A block the chain or the pending list says holds transfers: sealed (with a position) or pending. */
interface ExpectedBlock {
  position: bigint | null;
  block: bigint;
  transfers: number;
  digest: Buffer;
  leaves: Buffer;
}

async function* expectedBlocks(trx: Executor): AsyncGenerator<ExpectedBlock> {
  let after = -1n;
  for (;;) {
    const page = await sql<ExpectedBlock>`
      select * from (
        (select position, block, transfers, digest, leaves from ledger_chain
         where block > ${after} order by block limit ${BLOCK_PAGE})
        union all
        (select null::int8, block, transfers, digest, leaves from ledger_chain_pending
         where block > ${after} order by block limit ${BLOCK_PAGE})
      ) as b order by block limit ${BLOCK_PAGE}`.execute(trx);
    for (const row of page.rows) yield { ...row, digest: asBuffer(row.digest), leaves: asBuffer(row.leaves) };
    if (page.rows.length < BLOCK_PAGE) return;
    after = page.rows[page.rows.length - 1]!.block;
  }
}

/**
 * The transfers with from <= timestamp < to, in timestamp order. Each query is bounded to a window
 * of timestamps (which the BRIN index turns into a few page ranges) and to ROW_PAGE rows; the window
 * grows while it finds few rows, since batches that create only accounts leave blocks empty.
 */
async function* transfersBetween(trx: Executor, from: bigint, to: bigint): AsyncGenerator<LeafRow> {
  let span = BLOCK_SPAN * 64n;
  let cursor = from;
  while (cursor < to) {
    const end = cursor + span < to ? cursor + span : to;
    const page = await sql<LeafRow>`
      select id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, user_data, flags, timeout_seconds,
             timestamp, (extract(epoch from created_at) * 1000000)::int8 as created_us
      from ledger_transfers where timestamp >= ${cursor} and timestamp < ${end}
      order by timestamp limit ${ROW_PAGE}`.execute(trx);
    for (const row of page.rows) yield row;
    if (page.rows.length === ROW_PAGE) {
      cursor = page.rows[page.rows.length - 1]!.timestamp + 1n;
      continue;
    }
    cursor = end;
    if (page.rows.length < ROW_PAGE / 4) span *= 2n;
  }
}

/** The transfers grouped by the block of their timestamp, in block order. */
async function* transferGroups(
  rows: AsyncGenerator<LeafRow>,
): AsyncGenerator<{ block: bigint; rows: LeafRow[] }> {
  let current: { block: bigint; rows: LeafRow[] } | undefined;
  for await (const row of rows) {
    const block = blockOf(row.timestamp);
    if (current && current.block === block) {
      current.rows.push(row);
      continue;
    }
    if (current) yield current;
    current = { block, rows: [row] };
  }
  if (current) yield current;
}

/**
 * Merges the expected blocks with the transfers grouped by block, both in block order: a block
 * with no transfers lost them, transfers in no expected block were put there behind the ledger's
 * back, and a block whose digest does not hold is compared leaf by leaf to name the transfer.
 */
async function checkBlocks(
  trx: Executor,
  head: Head,
): Promise<Broken | { pendingBlocks: number; transfers: number }> {
  const last = await sql<{ last_value: bigint }>`select last_value from ledger_timestamp_block`.execute(trx);
  const upper = (last.rows[0]!.last_value + 1n) * BLOCK_SPAN;
  const groups = transferGroups(transfersBetween(trx, head.chain_begins, upper));
  let group = await groups.next();
  let goodRecords = 0;
  let pendingBlocks = 0;
  let transfers = 0;
  const broken = (
    problem: LedgerChainProblem,
    at: ExpectedBlock | null,
    block: bigint,
    transferId: string | null,
    detail: string,
  ): Broken => ({
    intact: false,
    records: goodRecords,
    problem,
    position: at?.position === null || at === null ? null : Number(at.position),
    block: block.toString(),
    transferId,
    detail: `${at === null ? 'no record' : at.position === null ? 'pending block' : `record ${at.position}`}, block ${block}: ${detail}`,
  });
  for await (const expected of expectedBlocks(trx)) {
    if (!group.done && group.value.block < expected.block) {
      const stray = group.value;
      return broken(
        'transfer_inserted',
        null,
        stray.block,
        stray.rows[0]!.id,
        `transfer ${stray.rows[0]!.id} lies in a block that is neither sealed nor pending`,
      );
    }
    const rows = !group.done && group.value.block === expected.block ? group.value.rows : [];
    if (rows.length > 0) group = await groups.next();
    const problem = compareBlock(expected, rows);
    if (problem) return broken(problem.problem, expected, expected.block, problem.transferId, problem.detail);
    transfers += rows.length;
    if (expected.position === null) pendingBlocks += 1;
    else goodRecords += 1;
  }
  if (group.done) {
    // A row beyond every block the sequence has handed out can only have been written around the ledger.
    const beyond = await sql<{ id: string; timestamp: bigint }>`
      select id, timestamp from ledger_transfers where timestamp >= ${upper} order by timestamp limit 1`.execute(
      trx,
    );
    const row = beyond.rows[0];
    if (row)
      return broken(
        'transfer_inserted',
        null,
        blockOf(row.timestamp),
        row.id,
        `transfer ${row.id} lies beyond every block the ledger has handed out`,
      );
  } else {
    const stray = group.value;
    return broken(
      'transfer_inserted',
      null,
      stray.block,
      stray.rows[0]!.id,
      `transfer ${stray.rows[0]!.id} lies in a block that is neither sealed nor pending`,
    );
  }
  return { pendingBlocks, transfers };
}

function compareBlock(
  expected: ExpectedBlock,
  rows: readonly LeafRow[],
): { problem: LedgerChainProblem; transferId: string | null; detail: string } | undefined {
  const leaves = rows.map(transferLeaf);
  const stored = (i: number) =>
    i < expected.transfers
      ? expected.leaves.subarray(i * STORED_LEAF_BYTES, (i + 1) * STORED_LEAF_BYTES)
      : undefined;
  const found = (i: number) => leaves[i]?.subarray(0, STORED_LEAF_BYTES);
  const same = (a: Buffer | undefined, b: Buffer | undefined) =>
    a !== undefined && b !== undefined && a.equals(b);
  if (rows.length === expected.transfers && blockDigest(leaves).equals(expected.digest)) {
    for (let i = 0; i < rows.length; i++)
      if (!same(stored(i), found(i)))
        return { problem: 'record_altered', transferId: null, detail: 'its stored leaves were changed' };
    return undefined;
  }
  let i = 0;
  while (i < Math.max(rows.length, expected.transfers) && same(stored(i), found(i))) i++;
  if (i === rows.length && i === expected.transfers)
    return {
      problem: 'record_altered',
      transferId: null,
      detail: 'its digest no longer matches its transfers',
    };
  if (i >= rows.length)
    return {
      problem: 'transfer_missing',
      transferId: null,
      detail: `its transfer #${i + 1} of ${expected.transfers} is missing${i > 0 ? ` (after ${rows[i - 1]!.id})` : ''}`,
    };
  const row = rows[i]!;
  if (i >= expected.transfers || same(stored(i), found(i + 1)))
    return {
      problem: 'transfer_inserted',
      transferId: row.id,
      detail: `transfer ${row.id} was not written with this block`,
    };
  if (same(stored(i + 1), found(i)))
    return {
      problem: 'transfer_missing',
      transferId: null,
      detail: `its transfer #${i + 1} of ${expected.transfers} is missing (before ${row.id})`,
    };
  return {
    problem: 'transfer_altered',
    transferId: row.id,
    detail: `transfer ${row.id} no longer matches the leaf written with it`,
  };
}

/** The transfers written before the chain began: the count and digest kept by migration 0015. */
async function checkUnchained(trx: Executor, head: Head): Promise<Broken | undefined> {
  const digest = createHash('sha256');
  let count = 0n;
  for await (const row of transfersBetween(trx, 0n, head.chain_begins)) {
    digest.update(unchainedEntry(row));
    count += 1n;
  }
  if (count === head.unchained_rows && digest.digest().equals(asBuffer(head.unchained_digest)))
    return undefined;
  return {
    intact: false,
    records: Number(head.position),
    problem: 'unchained_transfers_changed',
    position: null,
    block: null,
    transferId: null,
    detail: `${count} transfers written before the chain began (${head.unchained_rows} were kept), or their digest, changed`,
  };
}
