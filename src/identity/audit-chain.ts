import { sql } from 'kysely';
import { type Executor, inGroupTransaction, inTransaction } from '../db/index.ts';
import { assert, canonicalSha256 } from '../kernel/index.ts';
import type { AuditLogRow } from './audit.ts';

/**
 * The audit log as one hash chain. Each record holds its position, the hash of the record before it
 * and its own hash: SHA-256 over the RFC 8785 canonical JSON of its content with that previous hash,
 * so that an edited record no longer matches its hash, and a deleted or inserted one breaks the link
 * of the record after it.
 *
 * Appends are serialised by the one head row (audit_chain_head), locked FOR UPDATE in the appending
 * transaction: a second transaction waits at the lock until the first commits, then reads the head
 * the first left, so positions are gapless and each link names the record that really came before
 * it, on PostgreSQL with a pool as on PGlite. The price is that transactions which audit are
 * serialised from their audit to their commit; business code therefore audits as its last write, and
 * the out-of-transaction writer (AuditWriter) appends its whole group under one lock.
 */

/** The hash before the first record of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** One audit record as written: the JSON columns as the JSON text that is stored. */
export interface AuditRow {
  readonly id: string;
  readonly at: Date;
  readonly actorId: string;
  readonly actorRoles: readonly string[];
  readonly action: string;
  readonly subjectType: string | null;
  readonly subjectId: string | null;
  readonly ip: string | null;
  readonly before: string | null;
  readonly after: string | null;
  readonly details: string | null;
}

type HashInput = Omit<AuditRow, 'before' | 'after' | 'details'> & {
  readonly position: bigint;
  readonly prevHash: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly details: unknown;
};

/**
 * The hash of a record. The JSON columns enter as the values the database hands back (a JSON null
 * and an SQL null both as null), so that verify, reading them back, hashes what append hashed.
 */
export function auditRecordHash(record: HashInput): string {
  return canonicalSha256({
    position: record.position.toString(),
    prevHash: record.prevHash,
    id: record.id,
    at: record.at.toISOString(),
    actorId: record.actorId,
    actorRoles: record.actorRoles,
    action: record.action,
    subjectType: record.subjectType,
    subjectId: record.subjectId,
    ip: record.ip,
    before: record.before ?? null,
    after: record.after ?? null,
    details: record.details ?? null,
  });
}

const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** Appends records to the chain in the order given, in `db`'s transaction (or a new one). */
export async function appendAuditRecords(db: Executor, records: readonly AuditRow[]): Promise<void> {
  if (records.length === 0) return;
  await inGroupTransaction(db, async (trx) => {
    const head = await sql<{ position: bigint; hash: string }>`
      select position, hash from audit_chain_head for update`.execute(trx);
    assert(head.rows.length === 1, 'the audit chain has one head row');
    let { position, hash: prevHash } = head.rows[0]!;
    const positions: string[] = [];
    const prevHashes: string[] = [];
    const hashes: string[] = [];
    for (const record of records) {
      position += 1n;
      const hash = auditRecordHash({
        ...record,
        position,
        prevHash,
        before: parsed(record.before),
        after: parsed(record.after),
        details: parsed(record.details),
      });
      positions.push(position.toString());
      prevHashes.push(prevHash);
      hashes.push(hash);
      prevHash = hash;
    }
    const column = <K extends keyof AuditRow>(key: K) => records.map((r) => r[key]);
    await sql`
      with written as (
        insert into audit_log (id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details,
                               chain_position, prev_hash, hash)
        select id::uuid, at::timestamptz, actor_id, actor_roles::text[], action, subject_type, subject_id, ip,
               before::jsonb, after::jsonb, details::jsonb, chain_position::int8, prev_hash, hash
        from unnest(${column('id')}::text[], ${records.map((r) => r.at.toISOString())}::text[], ${column('actorId')}::text[],
                    ${records.map((r) => `{${r.actorRoles.join(',')}}`)}::text[], ${column('action')}::text[],
                    ${column('subjectType')}::text[], ${column('subjectId')}::text[], ${column('ip')}::text[],
                    ${column('before')}::text[], ${column('after')}::text[], ${column('details')}::text[],
                    ${positions}::text[], ${prevHashes}::text[], ${hashes}::text[])
          as v(id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details,
               chain_position, prev_hash, hash)
      )
      update audit_chain_head set position = ${position}, hash = ${prevHash}`.execute(trx);
  });
}

/** What a walk of the chain found: intact up to its head, or the first record that does not hold. */
export type AuditChainReport =
  | {
      readonly intact: true;
      readonly records: number;
      readonly headPosition: number;
      readonly headHash: string;
      readonly unchainedRecords: number;
    }
  | {
      readonly intact: false;
      /** Records checked and found good before the break. */
      readonly records: number;
      readonly problem: AuditChainProblem;
      /** The position at which the chain breaks. */
      readonly position: number;
      /** The record found there, if there is one. */
      readonly recordId: string | null;
      readonly detail: string;
    };

export type AuditChainProblem =
  | 'record_altered'
  | 'record_missing'
  | 'link_broken'
  | 'head_mismatch'
  | 'unchained_records_changed';

const PAGE_ROWS = 1000;

/**
 * Walks the chain from its first record, a page at a time, recomputing every hash. It reads in one
 * repeatable-read snapshot, so that appends made meanwhile neither show as a break nor get half-read.
 */
export async function verifyAuditChain(db: Executor): Promise<AuditChainReport> {
  return inTransaction(
    db,
    async (trx) => {
      const head = (
        await sql<{ position: bigint; hash: string; unchained_rows: bigint }>`
          select position, hash, unchained_rows from audit_chain_head`.execute(trx)
      ).rows[0];
      assert(head !== undefined, 'the audit chain has one head row');
      let expected = 1n;
      let prevHash = GENESIS_HASH;
      const broken = (
        problem: AuditChainProblem,
        recordId: string | null,
        detail: string,
      ): AuditChainReport => ({
        intact: false,
        records: Number(expected - 1n),
        problem,
        position: Number(expected),
        recordId,
        detail,
      });
      for (;;) {
        const page = await sql<ChainRow>`
          select id, at, actor_id, actor_roles, action, subject_type, subject_id, ip, before, after, details,
                 chain_position, prev_hash, hash
          from audit_log where chain_position >= ${expected} order by chain_position limit ${PAGE_ROWS}`.execute(
          trx,
        );
        for (const row of page.rows) {
          if (row.chain_position !== expected)
            return broken(
              'record_missing',
              null,
              `no record at position ${expected}; the next is at ${row.chain_position}`,
            );
          if (row.prev_hash !== prevHash)
            return broken('link_broken', row.id, 'its previous hash is not the hash of the record before it');
          const hash = storedRecordHash(row, row.prev_hash);
          if (hash !== row.hash || row.hash === null)
            return broken('record_altered', row.id, 'its content no longer matches its hash');
          prevHash = hash;
          expected += 1n;
        }
        if (page.rows.length < PAGE_ROWS) break;
      }
      const last = expected - 1n;
      if (last !== head.position || prevHash !== head.hash)
        return broken(
          last < head.position ? 'record_missing' : 'head_mismatch',
          null,
          `the chain ends at position ${last} but its head is at ${head.position}`,
        );
      const unchained = (
        await sql<{
          count: bigint;
        }>`select count(*) as count from audit_log where chain_position is null`.execute(trx)
      ).rows[0]!.count;
      if (unchained !== head.unchained_rows)
        return broken(
          'unchained_records_changed',
          null,
          `${unchained} records outside the chain where ${head.unchained_rows} were left before it began`,
        );
      return {
        intact: true,
        records: Number(last),
        headPosition: Number(head.position),
        headHash: head.hash,
        unchainedRecords: Number(unchained),
      };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}

export interface ChainRow extends AuditLogRow {
  chain_position: bigint;
  prev_hash: string;
  hash: string;
}

/** The chain's head as it stands, for day-close to record. */
export async function auditChainHead(db: Executor): Promise<{ position: bigint; hash: string }> {
  const row = (
    await sql<{ position: bigint; hash: string }>`select position, hash from audit_chain_head`.execute(db)
  ).rows[0];
  assert(row !== undefined, 'the audit chain has one head row');
  return row;
}

/** The hashes of the records at these positions (a position with no record is left out). */
export async function auditHashesAt(
  db: Executor,
  positions: readonly bigint[],
): Promise<Map<bigint, string>> {
  const rows = await sql<{ chain_position: bigint; hash: string }>`
    select chain_position, hash from audit_log where chain_position = any(${positions.map(String)}::int8[])`.execute(
    db,
  );
  return new Map(rows.rows.map((r) => [r.chain_position, r.hash]));
}

/** The hash a stored record must carry, given the hash of the record before it. */
export function storedRecordHash(row: Omit<ChainRow, 'hash' | 'prev_hash'>, prevHash: string): string {
  return auditRecordHash({
    position: row.chain_position,
    prevHash,
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorRoles: row.actor_roles,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    ip: row.ip,
    before: row.before,
    after: row.after,
    details: row.details,
  });
}
