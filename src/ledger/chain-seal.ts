import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { assert } from '../kernel/index.ts';
import { chainRecordHash } from './chain.ts';

/**
 * Seals the committed pending blocks into the chain, in block order, a chunk per transaction. The
 * head row's lock (FOR UPDATE) serialises sealers, so positions are gapless and each record links to
 * the one really sealed before it; the writers never take it. A block that commits after a higher
 * one was sealed is simply sealed later: the chain's order is the seal order, not the block order.
 *
 * Only counts and digests pass through here; the stored leaves move from pending to the chain inside
 * the database. Returns how many blocks were sealed.
 */
const SEAL_CHUNK = 5000;

export async function sealLedgerChain(db: Executor, now: Date, chunk = SEAL_CHUNK): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await inTransaction(db, (trx) => sealChunk(trx, now, chunk));
    total += sealed;
    if (sealed < chunk) return total;
  }
}

async function sealChunk(trx: Executor, now: Date, chunk: number): Promise<number> {
  const head = (
    await sql<{ position: bigint; hash: string }>`
      select position, hash from ledger_chain_head for update`.execute(trx)
  ).rows[0];
  assert(head !== undefined, 'the ledger chain has one head row');
  // Read after the lock, so that a sealer which held it before us has its deletions visible here.
  const pending = await sql<{ block: bigint; transfers: number; digest: Buffer }>`
    select block, transfers, digest from ledger_chain_pending order by block limit ${chunk}`.execute(trx);
  if (pending.rows.length === 0) return 0;
  let { position, hash: prevHash } = head;
  const blocks: string[] = [];
  const positions: string[] = [];
  const prevHashes: string[] = [];
  const hashes: string[] = [];
  for (const row of pending.rows) {
    position += 1n;
    const hash = chainRecordHash({
      position,
      block: row.block,
      transfers: row.transfers,
      digest: row.digest,
      prevHash,
    });
    blocks.push(row.block.toString());
    positions.push(position.toString());
    prevHashes.push(prevHash);
    hashes.push(hash);
    prevHash = hash;
  }
  const moved = await sql`
    with moved as (
      delete from ledger_chain_pending as p
      using unnest(${blocks}::int8[], ${positions}::int8[], ${prevHashes}::text[], ${hashes}::text[])
        as v(block, position, prev_hash, hash)
      where p.block = v.block
      returning v.position, p.block, p.transfers, p.digest, p.leaves, v.prev_hash, v.hash
    ),
    sealed as (
      insert into ledger_chain (position, block, transfers, digest, leaves, prev_hash, hash, sealed_at)
      select position, block, transfers, digest, leaves, prev_hash, hash, ${now}::timestamptz from moved
      returning 1
    )
    update ledger_chain_head set position = ${position}, hash = ${prevHash}
    where (select count(*) from sealed) = ${pending.rows.length}`.execute(trx);
  // Only sealers delete pending rows, and they hold the lock: every block read must have moved.
  assert(moved.numAffectedRows === 1n, 'every pending block read was sealed');
  return pending.rows.length;
}

/** The chain's head as it stands, for day-close to record. */
export async function ledgerChainHead(db: Executor): Promise<{ position: bigint; hash: string }> {
  const row = (
    await sql<{ position: bigint; hash: string }>`select position, hash from ledger_chain_head`.execute(db)
  ).rows[0];
  assert(row !== undefined, 'the ledger chain has one head row');
  return row;
}

/** The hashes of the records at these positions (a position with no record is left out). */
export async function ledgerChainHashesAt(
  db: Executor,
  positions: readonly bigint[],
): Promise<Map<bigint, string>> {
  if (positions.length === 0) return new Map();
  const rows = await sql<{ position: bigint; hash: string }>`
    select position, hash from ledger_chain where position = any(${positions.map(String)}::int8[])`.execute(
    db,
  );
  return new Map(rows.rows.map((r) => [r.position, r.hash]));
}
