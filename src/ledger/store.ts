import { sql } from 'kysely';
import { type Executor, RetryableError, textArray } from '../db/index.ts';
import type { AccountRow, AccountState, NewTransfer, PendingRow } from './batch-state.ts';
import {
  type AccountEventResult,
  type AccountInput,
  type PendingState,
  type Transfer,
  type TransferEventResult,
  TransferFlag,
  type TransferInput,
} from './model.ts';
import { StateMachine } from './state-machine.ts';
import { IdsNotNew, writeChanges } from './write.ts';

/**
 * The ledger on PostgreSQL. A batch loads and locks (FOR NO KEY UPDATE, in id order, so concurrent batches
 * never deadlock on each other) every account it touches, applies its events in memory with the
 * state machine, and writes the outcome back with a handful of set-based statements, whatever the
 * batch size. It runs inside the caller's transaction, so a domain operation and its postings
 * commit or roll back together.
 */
interface AccountDbRow {
  id: string;
  ledger: string;
  code: number;
  user_data: string | null;
  flags: number;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  timestamp: bigint;
  created_at: Date;
}

export interface TransferDbRow {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  pending_id: string | null;
  ledger: string;
  code: number;
  user_data: string | null;
  flags: number;
  timeout_seconds: number;
  timestamp: bigint;
  created_at: Date;
}

interface PendingDbRow {
  transfer_id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  flags: number;
  expires_at: Date | null;
  state: PendingState;
  resolved_by: string | null;
}

/*
 * Lists of ids are joined as `join unnest($1::text[]) as wanted(id) using (id)` rather than filtered
 * with `id = any($1)`: our statements are prepared, and once PostgreSQL settles on a generic plan it
 * no longer knows how long the array is; with `= any` that plan may scan the whole table comparing
 * every row with every id (seconds for a disbursement of 10,000 bids), while the join keeps to the
 * primary key whatever the plan.
 */
export const ACCOUNT_COLUMNS = sql.raw(
  'id, ledger, code, user_data, flags, debits_pending, debits_posted, credits_pending, credits_posted, timestamp, created_at',
);
export const TRANSFER_COLUMNS = sql.raw(
  'id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, user_data, flags, timeout_seconds, timestamp, created_at',
);

export function toAccountRow(row: AccountDbRow): AccountRow {
  return {
    id: row.id,
    ledger: row.ledger,
    code: row.code,
    userData: row.user_data,
    flags: row.flags,
    debitsPending: row.debits_pending,
    debitsPosted: row.debits_posted,
    creditsPending: row.credits_pending,
    creditsPosted: row.credits_posted,
    timestamp: row.timestamp,
    createdAt: row.created_at,
  };
}

export function toTransfer(row: TransferDbRow): Transfer {
  return {
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
    timestamp: row.timestamp,
    createdAt: row.created_at,
  };
}

function toPendingRow(row: PendingDbRow): PendingRow {
  return {
    transferId: row.transfer_id,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: row.amount,
    flags: row.flags,
    expiresAtMs: row.expires_at === null ? null : row.expires_at.getTime(),
    state: row.state,
    resolvedBy: row.resolved_by,
    resolvedSeq: null,
  };
}

/**
 * Locks (FOR NO KEY UPDATE: the ledger updates balances and flags, never an id) and reads the
 * accounts, in id order so that concurrent batches never deadlock on each other.
 */
async function lockAccounts(
  trx: Executor,
  ids: Iterable<string>,
  into: Map<string, AccountState>,
): Promise<void> {
  const wanted = [...new Set(ids)].filter((id) => id !== '' && !into.has(id)).sort();
  if (wanted.length === 0) return;
  const rows = await sql<{
    id: string;
    ledger: string;
    flags: number;
    debits_pending: bigint;
    debits_posted: bigint;
    credits_pending: bigint;
    credits_posted: bigint;
  }>`
    select id, ledger, flags, debits_pending, debits_posted, credits_pending, credits_posted
    from ledger_accounts join unnest(${textArray(wanted)}::text[]) as wanted(id) using (id)
    order by id for no key update of ledger_accounts`.execute(trx);
  for (const row of rows.rows) {
    into.set(row.id, {
      id: row.id,
      ledger: row.ledger,
      flags: row.flags,
      debitsPending: row.debits_pending,
      debitsPosted: row.debits_posted,
      creditsPending: row.credits_pending,
      creditsPosted: row.credits_posted,
    });
  }
}

async function loadTransfers(trx: Executor, ids: string[]): Promise<Transfer[]> {
  if (ids.length === 0) return [];
  const rows = await sql<TransferDbRow>`
    select ${TRANSFER_COLUMNS} from ledger_transfers join unnest(${ids}::text[]) as wanted(id) using (id)`.execute(
    trx,
  );
  return rows.rows.map(toTransfer);
}

async function loadPendings(trx: Executor, ids: string[], into: Map<string, PendingRow>): Promise<void> {
  if (ids.length === 0) return;
  const rows = await sql<PendingDbRow>`
    select transfer_id, debit_account_id, credit_account_id, amount, flags, expires_at, state, resolved_by
    from ledger_pending join unnest(${ids}::text[]) as wanted(transfer_id) using (transfer_id)`.execute(trx);
  for (const row of rows.rows) into.set(row.transfer_id, toPendingRow(row));
}

/**
 * Pending transfers past their expiry that touch any of these accounts. Normally few transfers are
 * overdue for release (the housekeeping job releases them every minute), so all of them are read
 * through the expiry index and filtered here; only when there are many is the search by account.
 */
const EXPIRED_SCAN_LIMIT = 1000;

async function loadExpired(
  trx: Executor,
  accountIds: string[],
  now: Date,
  preloaded?: PendingDbRow[],
): Promise<PendingRow[]> {
  const due = preloaded
    ? { rows: preloaded }
    : await sql<PendingDbRow>`
    select transfer_id, debit_account_id, credit_account_id, amount, flags, expires_at, state, resolved_by
    from ledger_pending
    where state = 'pending' and expires_at <= ${now}
    order by expires_at, transfer_id limit ${EXPIRED_SCAN_LIMIT + 1}`.execute(trx);
  if (due.rows.length <= EXPIRED_SCAN_LIMIT) {
    const touched = new Set(accountIds);
    return due.rows
      .filter((row) => touched.has(row.debit_account_id) || touched.has(row.credit_account_id))
      .map(toPendingRow);
  }
  const rows = await sql<PendingDbRow>`
    select transfer_id, debit_account_id, credit_account_id, amount, flags, expires_at, state, resolved_by
    from ledger_pending
    where state = 'pending' and expires_at <= ${now}
      and (debit_account_id = any(${accountIds}::text[]) or credit_account_id = any(${accountIds}::text[]))
    order by expires_at, transfer_id`.execute(trx);
  return rows.rows.map(toPendingRow);
}

/**
 * The transfers with these ids, and the first pending transfers due for release, in one round trip.
 * Both are read after the accounts are locked, in one statement and so one snapshot.
 */
async function loadTransfersAndDue(
  trx: Executor,
  ids: string[],
  now: Date,
): Promise<{ existing: Transfer[]; due: PendingDbRow[] }> {
  const rows = await sql<
    TransferDbRow & {
      kind: 't' | 'p';
      expires_at: Date | null;
      state: PendingState | null;
      resolved_by: string | null;
    }
  >`
    select 't' as kind, ${TRANSFER_COLUMNS}, null::timestamptz as expires_at, null::text as state, null::text as resolved_by
    from ledger_transfers join unnest(${textArray(ids)}::text[]) as wanted(id) using (id)
    union all
    (select 'p', transfer_id, debit_account_id, credit_account_id, amount, null, null, null, null, flags, null, null, null,
            expires_at, state, resolved_by
     from ledger_pending where state = 'pending' and expires_at <= ${now}
     order by expires_at, transfer_id limit ${EXPIRED_SCAN_LIMIT + 1})`.execute(trx);
  const existing: Transfer[] = [];
  const due: PendingDbRow[] = [];
  for (const row of rows.rows) {
    if (row.kind === 't') existing.push(toTransfer(row));
    else {
      due.push({
        transfer_id: row.id,
        debit_account_id: row.debit_account_id,
        credit_account_id: row.credit_account_id,
        amount: row.amount,
        flags: row.flags,
        expires_at: row.expires_at,
        state: row.state!,
        resolved_by: row.resolved_by,
      });
    }
  }
  return { existing, due };
}

/**
 * Creates transfers, each inner array a caller's batch with its own linked chains, in the given
 * transaction. Results come back per batch, exactly as if the batches had run one after another.
 *
 * With `assumeNew`, the batch's own ids are not looked up beforehand (for a batch of 8,190 that
 * lookup is a tenth of the work): the state machine runs as if none were taken, and then
 * - an event that succeeded and whose id is taken makes the insert fail on the primary key, and
 * - the ids of events that failed (whose result an existing id would have changed to `exists…`)
 *   are looked up, few as they normally are;
 * either way IdsNotNew is thrown before the batch's own rows are written (expired holds released
 * on its accounts may be), so the transaction must be rolled back: the group committer then runs the
 * batch again without the assumption, and a caller passing `idsAreNew` fails. On the primary-key
 * path PostgreSQL has aborted the transaction already.
 */
export async function createTransfersInTransaction(
  trx: Executor,
  batches: readonly (readonly TransferInput[])[],
  now: Date,
  options: { assumeNew?: boolean } = {},
): Promise<TransferEventResult[][]> {
  const assumeNew = options.assumeNew ?? false;
  const ids = new Set<string>();
  const accountIds = new Set<string>();
  const pendingIds = new Set<string>();
  for (const batch of batches) {
    for (const t of batch) {
      if (t.id !== '') ids.add(t.id);
      if (t.debitAccountId) accountIds.add(t.debitAccountId);
      if (t.creditAccountId) accountIds.add(t.creditAccountId);
      if (
        t.pendingId &&
        (t.flags ?? 0) & (TransferFlag.postPendingTransfer | TransferFlag.voidPendingTransfer)
      ) {
        pendingIds.add(t.pendingId);
      }
    }
  }
  // The accounts of referenced pending transfers must be locked too; learn them before locking.
  if (pendingIds.size > 0) {
    for (const p of await loadTransfers(trx, [...pendingIds])) {
      accountIds.add(p.debitAccountId);
      accountIds.add(p.creditAccountId);
    }
  }
  const accounts = new Map<string, AccountState>();
  await lockAccounts(trx, accountIds, accounts);

  // With the accounts locked, what we read now cannot change under us (all writers lock them too).
  const transfers = new Map<string, Transfer | NewTransfer>();
  const { existing, due } = await loadTransfersAndDue(
    trx,
    assumeNew ? [...pendingIds] : [...new Set([...ids, ...pendingIds])],
    now,
  );
  for (const t of existing) transfers.set(t.id, t);
  const morePending = existing
    .filter((t) => t.pendingId !== null && !transfers.has(t.pendingId))
    .map((t) => t.pendingId!);
  for (const t of await loadTransfers(trx, morePending)) transfers.set(t.id, t);
  const pendings = new Map<string, PendingRow>();
  await loadPendings(
    trx,
    [...transfers.values()].filter((t) => (t.flags & TransferFlag.pending) !== 0).map((t) => t.id),
    pendings,
  );
  for (const id of pendingIds) {
    const t = transfers.get(id);
    if (
      t &&
      (t.flags & TransferFlag.pending) !== 0 &&
      (!accounts.has(t.debitAccountId) || !accounts.has(t.creditAccountId))
    ) {
      // A pending transfer created since we looked: start again, and lock its accounts this time.
      throw new RetryableError(`accounts of pending transfer ${t.id} were not locked`);
    }
  }

  await releaseExpired(trx, accounts, await expiredOnLockedAccounts(trx, accounts, pendings, now, due), now);
  const machine = new StateMachine({ accounts, transfers, pendings }, now.getTime(), now);
  const results = machine.createTransfers(batches);
  if (assumeNew) {
    const failed = results.flatMap((batch) =>
      batch.filter((r) => r.result !== 'ok' && r.id !== '').map((r) => r.id),
    );
    if (failed.length > 0 && (await loadTransfers(trx, [...new Set(failed)])).length > 0)
      throw new IdsNotNew('an id of a failed event is taken');
  }
  const base = await writeChanges(trx, machine.changes, { assumedNew: assumeNew });
  return results.map((batch) =>
    batch.map((result) =>
      result.timestamp === undefined ? result : { ...result, timestamp: base + result.timestamp },
    ),
  );
}

/**
 * Expired pending transfers on the locked accounts. Their other account may not be locked yet: lock
 * it now. That breaks the id order, so a deadlock is possible in principle; PostgreSQL then aborts
 * one side and the transaction helper retries it.
 */
async function expiredOnLockedAccounts(
  trx: Executor,
  accounts: Map<string, AccountState>,
  pendings: Map<string, PendingRow>,
  now: Date,
  preloadedDue?: PendingDbRow[],
): Promise<PendingRow[]> {
  if (accounts.size === 0) return [];
  const expired = await loadExpired(trx, [...accounts.keys()], now, preloadedDue);
  if (expired.length === 0) return [];
  await lockAccounts(
    trx,
    expired.flatMap((p) => [p.debitAccountId, p.creditAccountId]),
    accounts,
  );
  return expired.map((row) => {
    const known = pendings.get(row.transferId);
    if (known) return known;
    pendings.set(row.transferId, row);
    return row;
  });
}

/**
 * Releases expired pending transfers, in chunks that each fit one timestamp block, so that a backlog
 * of any size (after downtime, say) is worked off rather than wedging the accounts it touches.
 */
const EXPIRY_CHUNK = 30_000;

async function releaseExpired(
  trx: Executor,
  accounts: Map<string, AccountState>,
  expired: PendingRow[],
  now: Date,
): Promise<void> {
  for (let start = 0; start < expired.length; start += EXPIRY_CHUNK) {
    const machine = new StateMachine(
      { accounts, transfers: new Map(), pendings: new Map() },
      now.getTime(),
      now,
    );
    for (const pending of expired.slice(start, start + EXPIRY_CHUNK)) machine.expire(pending);
    await writeChanges(trx, machine.changes);
  }
}

export async function createAccountsInTransaction(
  trx: Executor,
  batches: readonly (readonly AccountInput[])[],
  now: Date,
): Promise<AccountEventResult[][]> {
  const ids = [...new Set(batches.flatMap((batch) => batch.map((a) => a.id)).filter((id) => id !== ''))];
  const accounts = new Map<string, AccountRow>();
  if (ids.length > 0) {
    const rows = await sql<AccountDbRow>`
      select ${ACCOUNT_COLUMNS} from ledger_accounts join unnest(${ids}::text[]) as wanted(id) using (id)`.execute(
      trx,
    );
    for (const row of rows.rows) accounts.set(row.id, toAccountRow(row));
  }
  const machine = new StateMachine(
    { accounts, transfers: new Map(), pendings: new Map() },
    now.getTime(),
    now,
  );
  const results = machine.createAccounts(batches);
  const base = await writeChanges(trx, machine.changes);
  return results.map((batch) =>
    batch.map((result) =>
      result.timestamp === undefined ? result : { ...result, timestamp: base + result.timestamp },
    ),
  );
}

/** Releases pending transfers whose timeout has passed, oldest first, at most `limit` of them. */
/** Whether some pending transfer's timeout has passed. */
export async function hasExpiredPending(db: Executor, now: Date): Promise<boolean> {
  const due =
    await sql`select 1 from ledger_pending where state = 'pending' and expires_at <= ${now} limit 1`.execute(
      db,
    );
  return due.rows.length > 0;
}

export async function expirePendingInTransaction(trx: Executor, now: Date, limit: number): Promise<number> {
  const due = await sql<{ debit_account_id: string; credit_account_id: string }>`
    select debit_account_id, credit_account_id from ledger_pending
    where state = 'pending' and expires_at <= ${now}
    order by expires_at, transfer_id limit ${limit}`.execute(trx);
  if (due.rows.length === 0) return 0;
  const accounts = new Map<string, AccountState>();
  await lockAccounts(
    trx,
    due.rows.flatMap((row) => [row.debit_account_id, row.credit_account_id]),
    accounts,
  );
  const expired = (await expiredOnLockedAccounts(trx, accounts, new Map(), now)).slice(0, limit);
  await releaseExpired(trx, accounts, expired, now);
  return expired.length;
}
