import { type RawBuilder, sql } from 'kysely';
import {
  type Executor,
  integerArray,
  nullableTextArray,
  RetryableError,
  sqlState,
  textArray,
} from '../db/index.ts';
import { assert } from '../kernel/index.ts';
import type { Changes } from './batch-state.ts';
import { pendingLink, pendingLinkYielding } from './chain.ts';

/**
 * Writes a batch's outcome in one statement: data-modifying CTEs insert the new accounts,
 * transfers, pending states and history rows, update the touched balances and resolved pending
 * states, and take the timestamp block, in one round trip whatever the batch size. Returns the
 * timestamp base that the batch's slot numbers are added to.
 */
const SLOTS_PER_BLOCK = 65536n;

/** From this many transfers a batch's chain link is hashed while the batch is written (see below). */
const HASH_WHILE_WRITING = 1000;

/** A column's values, or, when they are all equal, that one value (unnest pads the empty list with nulls). */
function compact<T>(values: T[]): { list: T[]; only: T | null } {
  const first = values[0];
  return values.every((value) => value === first)
    ? { list: [], only: first ?? null }
    : { list: values, only: null };
}

/**
 * The ids of a batch were checked with its accounts locked, so a duplicate key can only mean that
 * another transaction, on other accounts, inserted the same new id meanwhile: a race that a fresh
 * attempt resolves (it will see the id and answer `exists...`). A plain INSERT that fails on this
 * rare race is cheaper than ON CONFLICT's speculative insertion of every row.
 */
function uniqueViolationIsRace(error: unknown): never {
  if (sqlState(error) === '23505') throw new RetryableError('an id was taken by a concurrent batch');
  throw error;
}

/**
 * Thrown when a batch written on the assumption that its ids were new (see `assumeNew` in store.ts)
 * meets an id that is taken: the caller runs the batch again with every id looked up.
 */
export class IdsNotNew extends Error {
  override name = 'IdsNotNew';
}

function uniqueViolationIsTakenId(error: unknown): never {
  if (sqlState(error) === '23505') throw new IdsNotNew('an id of the batch is taken');
  throw error;
}

export async function writeChanges(
  trx: Executor,
  changes: Changes,
  options: { assumedNew?: boolean } = {},
): Promise<bigint> {
  if (changes.slots === 0) return 0n;
  assert(
    changes.slots < Number(SLOTS_PER_BLOCK),
    'a batch cannot use more timestamp slots than a block holds',
  );
  const parts: RawBuilder<unknown>[] = [];
  const base = sql`(select base from block)`;

  if (changes.newAccounts.length > 0) {
    const a = changes.newAccounts;
    // The state machine numbers a new account's slot as -1 - slot until the base is known.
    const slots = a.map((x) => -1n - x.timestamp);
    parts.push(sql`new_accounts as (
      insert into ledger_accounts (id, ledger, code, user_data, flags, debits_pending, debits_posted, credits_pending,
                                   credits_posted, timestamp, created_at)
      select id, ledger, code, user_data, flags, 0, 0, 0, 0, ${base} + slot, ${a[0]!.createdAt}::timestamptz
      from unnest(${a.map((x) => x.id)}::text[], ${a.map((x) => x.ledger)}::text[], ${a.map((x) => x.code)}::int4[],
                  ${a.map((x) => x.userData)}::text[], ${a.map((x) => x.flags)}::int4[], ${slots}::int8[])
        as v(id, ledger, code, user_data, flags, slot))`);
  }

  if (changes.newTransfers.length > 0) {
    const t = changes.newTransfers;
    // Columns whose values are all the same travel as one value, not as an array of 8,190 copies.
    const pendingIds = compact(t.map((x) => x.pendingId));
    const ledgers = compact(t.map((x) => x.ledger));
    const codes = compact(t.map((x) => x.code));
    const userData = compact(t.map((x) => x.userData));
    const flags = compact(t.map((x) => x.flags));
    const timeouts = compact(t.map((x) => x.timeoutSeconds));
    const consecutive = t.every((x, i) => x.seq === t[0]!.seq + i);
    parts.push(sql`new_transfers as (
      insert into ledger_transfers (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, user_data,
                                    flags, timeout_seconds, timestamp, created_at)
      select id, dr, cr, amount, coalesce(pending_id, ${pendingIds.only}::text), coalesce(ledger, ${ledgers.only}::text),
             coalesce(code, ${codes.only}::int4), coalesce(user_data, ${userData.only}::text),
             coalesce(flags, ${flags.only}::int4), coalesce(timeout, ${timeouts.only}::int4),
             ${base} + coalesce(seq, ${BigInt(t[0]!.seq)}::int8 + ord - 1), ${t[0]!.createdAt}::timestamptz
      from unnest(${textArray(t.map((x) => x.id))}::text[], ${textArray(t.map((x) => x.debitAccountId))}::text[],
                  ${textArray(t.map((x) => x.creditAccountId))}::text[], ${integerArray(t.map((x) => x.amount))}::int8[],
                  ${nullableTextArray(pendingIds.list)}::text[], ${nullableTextArray(ledgers.list)}::text[],
                  ${integerArray(codes.list)}::int4[], ${nullableTextArray(userData.list)}::text[],
                  ${integerArray(flags.list)}::int4[], ${integerArray(timeouts.list)}::int4[],
                  ${consecutive ? '{}' : integerArray(t.map((x) => x.seq))}::int8[])
        with ordinality as v(id, dr, cr, amount, pending_id, ledger, code, user_data, flags, timeout, seq, ord)
      returning id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, user_data, flags, timeout_seconds,
                timestamp, created_at)`);
  }

  if (changes.touchedAccounts.size > 0) {
    const a = [...changes.touchedAccounts];
    parts.push(sql`balances as (
      update ledger_accounts as a
      set debits_pending = v.dp, debits_posted = v.dpo, credits_pending = v.cp, credits_posted = v.cpo, flags = v.flags
      from unnest(${textArray(a.map((x) => x.id))}::text[], ${integerArray(a.map((x) => x.debitsPending))}::int8[],
                  ${integerArray(a.map((x) => x.debitsPosted))}::int8[], ${integerArray(a.map((x) => x.creditsPending))}::int8[],
                  ${integerArray(a.map((x) => x.creditsPosted))}::int8[], ${integerArray(a.map((x) => x.flags))}::int4[])
        as v(id, dp, dpo, cp, cpo, flags)
      where a.id = v.id)`);
  }

  if (changes.newPendings.length > 0) {
    const p = changes.newPendings;
    parts.push(sql`new_pending as (
      insert into ledger_pending (transfer_id, debit_account_id, credit_account_id, amount, flags, expires_at, state,
                                  resolved_by, resolved_timestamp)
      select id, dr, cr, amount, flags, case when expires_ms is null then null else to_timestamp(expires_ms / 1000.0) end,
             state, resolved_by, ${base} + resolved_seq
      from unnest(${p.map((x) => x.transferId)}::text[], ${p.map((x) => x.debitAccountId)}::text[],
                  ${p.map((x) => x.creditAccountId)}::text[], ${p.map((x) => x.amount)}::int8[], ${p.map((x) => x.flags)}::int4[],
                  ${p.map((x) => (x.expiresAtMs === null ? null : BigInt(x.expiresAtMs)))}::int8[], ${p.map((x) => x.state)}::text[],
                  ${p.map((x) => x.resolvedBy)}::text[], ${p.map((x) => (x.resolvedSeq === null ? null : BigInt(x.resolvedSeq)))}::int8[])
        as v(id, dr, cr, amount, flags, expires_ms, state, resolved_by, resolved_seq))`);
  }

  const created = new Set(changes.newPendings);
  const resolved = [...changes.resolvedPendings].filter((p) => !created.has(p));
  if (resolved.length > 0) {
    parts.push(sql`resolved as (
      update ledger_pending as p
      set state = v.state, resolved_by = v.resolved_by, resolved_timestamp = ${base} + v.resolved_seq
      from unnest(${resolved.map((x) => x.transferId)}::text[], ${resolved.map((x) => x.state)}::text[],
                  ${resolved.map((x) => x.resolvedBy)}::text[], ${resolved.map((x) => BigInt(x.resolvedSeq ?? 0))}::int8[])
        as v(id, state, resolved_by, resolved_seq)
      where p.transfer_id = v.id)`);
  }

  if (changes.history.length > 0) {
    const h = changes.history;
    parts.push(sql`history as (
      insert into ledger_account_history (account_id, timestamp, transfer_id, debits_pending, debits_posted,
                                          credits_pending, credits_posted)
      select account_id, ${base} + seq, transfer_id, dp, dpo, cp, cpo
      from unnest(${h.map((x) => x.accountId)}::text[], ${h.map((x) => BigInt(x.seq))}::int8[], ${h.map((x) => x.transferId)}::text[],
                  ${h.map((x) => x.debitsPending)}::int8[], ${h.map((x) => x.debitsPosted)}::int8[],
                  ${h.map((x) => x.creditsPending)}::int8[], ${h.map((x) => x.creditsPosted)}::int8[])
        as v(account_id, seq, transfer_id, dp, dpo, cp, cpo))`);
  }

  // The batch's link in the transfers' hash chain (chain.ts): one row of ledger_chain_pending in the
  // same transaction, so it commits or rolls back with the batch. No lock is taken: concurrent
  // batches stay concurrent, and the sealer orders them later. A small batch's link is hashed first
  // and goes in the same statement (no extra round trip); a large one's is hashed while the database
  // writes the batch, and inserted after it, so that its hashing adds next to nothing to the time.
  const transfers = changes.newTransfers;
  const overlap = transfers.length >= HASH_WHILE_WRITING;
  if (transfers.length > 0 && !overlap) {
    const link = pendingLink(transfers);
    parts.push(sql`chain_pending as (
      insert into ledger_chain_pending (block, transfers, digest, leaves)
      values (${base}, ${link.transfers}, decode(${link.digest}, 'hex'), decode(${link.leaves}, 'hex')))`);
  }
  const written = sql<{ base: bigint }>`
    with block as (select nextval('ledger_timestamp_block') * ${SLOTS_PER_BLOCK}::int8 as base)
    ${parts.length > 0 ? sql`, ${sql.join(parts, sql`, `)}` : sql``}
    select base from block`
    .execute(trx)
    .catch(options.assumedNew ? uniqueViolationIsTakenId : uniqueViolationIsRace);
  if (!overlap) return (await written).rows[0]!.base;
  // Marked handled now, since it may fail while we hash; awaiting it below still throws.
  written.catch(() => {});
  const link = await pendingLinkYielding(transfers);
  const block = (await written).rows[0]!.base;
  await sql`
    insert into ledger_chain_pending (block, transfers, digest, leaves)
    values (${block}, ${link.transfers}, decode(${link.digest}, 'hex'), decode(${link.leaves}, 'hex'))`.execute(
    trx,
  );
  return block;
}
