import { createHash, hash } from 'node:crypto';
import { canonicalSha256 } from '../kernel/index.ts';
import type { NewTransfer } from './batch-state.ts';

/**
 * The ledger's transfers as a hash chain: the shapes and hashes that the writer (in SQL, migration
 * 0015), the sealer and verify (in JavaScript) must agree on byte for byte.
 *
 * A transfer's leaf is SHA-256 over its canonical text: every column in table order, each written as
 * its length in UTF-8 bytes, a colon and its text, or as a lone '-' when it is null. Numbers are
 * decimal text, the timestamp is its slot in the batch's block (timestamp mod 65536) and created_at
 * is microseconds since the Unix epoch, so that nothing depends on a
 * time zone or a date format, and a length prefix lets any character appear in a value. A block's
 * digest is SHA-256 over its transfers' 32-byte leaves in timestamp order.
 */

/** The hash before the first record of the chain. */
export const LEDGER_GENESIS_HASH = '0'.repeat(64);

/** Timestamps of one batch share a block: base = nextval(ledger_timestamp_block) * 65536. */
export const BLOCK_SPAN = 65536n;

/** How many bytes of each leaf a block keeps, to point at the transfer that no longer matches. */
export const STORED_LEAF_BYTES = 8;

/** A transfer as verify reads it: every column, created_at already as epoch microseconds. */
export interface LeafRow {
  readonly id: string;
  readonly debit_account_id: string;
  readonly credit_account_id: string;
  readonly amount: bigint;
  readonly pending_id: string | null;
  readonly ledger: string;
  readonly code: number;
  readonly user_data: string | null;
  readonly flags: number;
  readonly timeout_seconds: number;
  readonly timestamp: bigint;
  readonly created_us: bigint;
}

function field(value: string | null): string {
  return value === null ? '-' : `${Buffer.byteLength(value, 'utf8')}:${value}`;
}

/**
 * The canonical text whose SHA-256 is the transfer's leaf (the SQL function ledger_transfer_leaf).
 * Of the timestamp it holds the slot within the block only: the writer hashes before the database
 * has handed out the block, and the block itself is bound by the chain record's hash.
 */
export function transferCanonicalText(row: LeafRow): string {
  return (
    field(row.id) +
    field(row.debit_account_id) +
    field(row.credit_account_id) +
    field(row.amount.toString()) +
    field(row.pending_id) +
    field(row.ledger) +
    field(String(row.code)) +
    field(row.user_data) +
    field(String(row.flags)) +
    field(String(row.timeout_seconds)) +
    field((row.timestamp % BLOCK_SPAN).toString()) +
    field(row.created_us.toString())
  );
}

export function transferLeaf(row: LeafRow): Buffer {
  // One-shot hashing (the text as UTF-8): half the time of a Hash object per leaf, which a batch of
  // thousands of transfers feels.
  return hash('sha256', transferCanonicalText(row), 'buffer');
}

/** The digest over a block's leaves, in timestamp order. */
export function blockDigest(leaves: readonly Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const leaf of leaves) hash.update(leaf);
  return hash.digest();
}

/** A batch's pending link: its transfer count, digest and stored leaves, in hex for the database. */
export interface PendingLink {
  readonly transfers: number;
  readonly digest: string;
  readonly leaves: string;
}

/**
 * The link of a batch about to be written, from the values the writer inserts (write.ts): the
 * batch's first created_at is every row's, and a transfer's slot is its seq.
 */
export function pendingLink(transfers: readonly NewTransfer[]): PendingLink {
  const link = new LinkHasher(transfers);
  link.hash(0, transfers.length);
  return link.done();
}

/**
 * The same, a slice at a time with a turn of the event loop between slices, for a large batch
 * hashed while its statement is on its way: the turns let Node keep writing the statement's megabyte
 * of parameters to the socket, so that the database works while we hash rather than after.
 */
export async function pendingLinkYielding(
  transfers: readonly NewTransfer[],
  slice = 512,
): Promise<PendingLink> {
  const link = new LinkHasher(transfers);
  for (let start = 0; start < transfers.length; start += slice) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    link.hash(start, Math.min(start + slice, transfers.length));
  }
  return link.done();
}

/** A decimal number's field: its digits (and sign) are ASCII, one byte each. */
const numberField = (text: string) => `${text.length}:${text}`;

class LinkHasher {
  /** The last field, created_at in microseconds: the batch's first created_at is every row's. */
  private readonly createdField: string;
  private readonly digest = createHash('sha256');
  private readonly leaves: Buffer;

  constructor(private readonly transfers: readonly NewTransfer[]) {
    this.createdField = field((BigInt(transfers[0]!.createdAt.getTime()) * 1000n).toString());
    this.leaves = Buffer.allocUnsafe(transfers.length * STORED_LEAF_BYTES);
  }

  hash(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const t = this.transfers[i]!;
      // transferCanonicalText of the row the writer inserts, written out for a new transfer without
      // building the row first: its slot is its seq (below 65536, so the timestamp's slot as is).
      const text =
        field(t.id) +
        field(t.debitAccountId) +
        field(t.creditAccountId) +
        numberField(t.amount.toString()) +
        field(t.pendingId) +
        field(t.ledger) +
        numberField(String(t.code)) +
        field(t.userData) +
        numberField(String(t.flags)) +
        numberField(String(t.timeoutSeconds)) +
        numberField(String(t.seq)) +
        this.createdField;
      const leaf = hash('sha256', text, 'buffer');
      this.digest.update(leaf);
      leaf.copy(this.leaves, i * STORED_LEAF_BYTES, 0, STORED_LEAF_BYTES);
    }
  }

  done(): PendingLink {
    return {
      transfers: this.transfers.length,
      digest: this.digest.digest('hex'),
      leaves: this.leaves.toString('hex'),
    };
  }
}

/**
 * What the digest of the transfers written before the chain began runs over, per transfer in
 * timestamp order: the full timestamp (8 bytes, big-endian), then the leaf. They have no block
 * record to bind their blocks, so the timestamp goes in whole.
 */
export function unchainedEntry(row: LeafRow): Buffer {
  const timestamp = Buffer.allocUnsafe(8);
  timestamp.writeBigInt64BE(row.timestamp);
  return Buffer.concat([timestamp, transferLeaf(row)]);
}

/** A sealed record's content, as hashed. */
export interface ChainRecordContent {
  readonly position: bigint;
  readonly block: bigint;
  readonly transfers: number;
  readonly digest: Uint8Array;
  readonly prevHash: string;
}

/**
 * A record's hash: SHA-256 over the RFC 8785 canonical JSON of its position, block, transfer count,
 * digest (hex) and the previous record's hash, so that anyone can recompute it with any JCS library.
 */
export function chainRecordHash(record: ChainRecordContent): string {
  return canonicalSha256({
    position: record.position.toString(),
    block: record.block.toString(),
    transfers: record.transfers,
    digest: asBuffer(record.digest).toString('hex'),
    prevHash: record.prevHash,
  });
}

/**
 * A bytea as a Buffer: node-postgres hands back Buffers, PGlite plain Uint8Arrays (the same bytes,
 * without Buffer's equals and hex).
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The block a timestamp belongs to. The transfers written together (one createTransfers call in the
 * caller's transaction, or one group commit) share a block that no other write uses.
 */
export function blockOf(timestamp: bigint): bigint {
  return timestamp - (timestamp % BLOCK_SPAN);
}
