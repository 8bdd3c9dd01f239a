import { sql } from 'kysely';
import { type Executor, textArray } from '../db/index.ts';
import { INT8_MAX } from './batch-state.ts';
import { chartEntry } from './chart.ts';
import { type Account, AccountFlag, hasFlag, type Transfer, TransferFlag } from './model.ts';
import { ACCOUNT_COLUMNS, TRANSFER_COLUMNS, type TransferDbRow, toAccountRow, toTransfer } from './store.ts';

export interface Balances {
  readonly debitsPending: bigint;
  readonly debitsPosted: bigint;
  readonly creditsPending: bigint;
  readonly creditsPosted: bigint;
}

export interface AccountBalance extends Balances {
  /** The transfer after which the account had these balances (0n: before any transfer). */
  readonly timestamp: bigint;
  readonly transferId: string | null;
}

export async function lookupAccounts(db: Executor, ids: readonly string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const rows = await sql<Parameters<typeof toAccountRow>[0]>`
    select ${ACCOUNT_COLUMNS} from ledger_accounts join unnest(${textArray(ids)}::text[]) as wanted(id) using (id)`.execute(
    db,
  );
  const byId = new Map(rows.rows.map((row) => [row.id, toAccountRow(row)]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

/**
 * The balances of these accounts, by id (an account that does not exist is left out): the four
 * balance columns only, for a caller that reads many accounts' balances and nothing else (a loan's
 * notes: a thousand rows, where the whole account's timestamps and dates were most of the parsing).
 */
export async function lookupBalances(db: Executor, ids: readonly string[]): Promise<Map<string, Balances>> {
  const balances = new Map<string, Balances>();
  if (ids.length === 0) return balances;
  const rows = await sql<{ id: string; dp: bigint; dpo: bigint; cp: bigint; cpo: bigint }>`
    select id, debits_pending as dp, debits_posted as dpo, credits_pending as cp, credits_posted as cpo
    from ledger_accounts join unnest(${textArray(ids)}::text[]) as wanted(id) using (id)`.execute(db);
  for (const r of rows.rows)
    balances.set(r.id, {
      debitsPending: r.dp,
      debitsPosted: r.dpo,
      creditsPending: r.cp,
      creditsPosted: r.cpo,
    });
  return balances;
}

/**
 * The balances of many accounts summed by a label the caller gives each (a dashboard's bucket), in
 * one statement per 50,000 accounts: a few rows come back, not one per account. Accounts that do not
 * exist count as zero. Each account is found by its key (the LIMIT keeps the planner from hashing
 * the whole table instead).
 */
export async function sumBalances(
  db: Executor,
  accounts: readonly { readonly id: string; readonly group: string }[],
): Promise<Map<string, Balances>> {
  const sums = new Map<string, Balances>();
  for (let start = 0; start < accounts.length; start += 50_000) {
    const slice = accounts.slice(start, start + 50_000);
    const rows = await sql<{ grp: string; dp: bigint; dpo: bigint; cp: bigint; cpo: bigint }>`
      select w.grp, sum(a.debits_pending)::int8 as dp, sum(a.debits_posted)::int8 as dpo,
             sum(a.credits_pending)::int8 as cp, sum(a.credits_posted)::int8 as cpo
      from unnest(${slice.map((a) => a.id)}::text[], ${slice.map((a) => a.group)}::text[]) as w(id, grp)
      cross join lateral (select * from ledger_accounts x where x.id = w.id limit 1) a
      group by w.grp`.execute(db);
    for (const r of rows.rows) {
      const before = sums.get(r.grp);
      sums.set(r.grp, {
        debitsPending: (before?.debitsPending ?? 0n) + r.dp,
        debitsPosted: (before?.debitsPosted ?? 0n) + r.dpo,
        creditsPending: (before?.creditsPending ?? 0n) + r.cp,
        creditsPosted: (before?.creditsPosted ?? 0n) + r.cpo,
      });
    }
  }
  return sums;
}

export async function lookupTransfers(db: Executor, ids: readonly string[]): Promise<Transfer[]> {
  if (ids.length === 0) return [];
  const rows = await sql<TransferDbRow>`
    select ${TRANSFER_COLUMNS} from ledger_transfers join unnest(${[...ids]}::text[]) as wanted(id) using (id)`.execute(
    db,
  );
  const byId = new Map(rows.rows.map((row) => [row.id, toTransfer(row)]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

export interface TransferFilter {
  readonly accountId: string;
  readonly code?: number | undefined;
  /** Any of these codes. */
  readonly codes?: readonly number[] | undefined;
  /** Inclusive bounds on created_at. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** Only transfers strictly after (or, reversed, before) this timestamp: the page cursor. */
  readonly after?: bigint | undefined;
  readonly limit: number;
  readonly reversed?: boolean | undefined;
}

/** The transfers that debit or credit an account, in timestamp order. */
export async function accountTransfers(db: Executor, filter: TransferFilter): Promise<Transfer[]> {
  const direction = filter.reversed ? sql.raw('desc') : sql.raw('asc');
  const conditions = [
    filter.code === undefined ? sql`true` : sql`code = ${filter.code}`,
    filter.codes === undefined ? sql`true` : sql`code = any(${[...filter.codes]}::int[])`,
    filter.from === undefined ? sql`true` : sql`created_at >= ${filter.from}`,
    filter.to === undefined ? sql`true` : sql`created_at <= ${filter.to}`,
    filter.after === undefined
      ? sql`true`
      : filter.reversed
        ? sql`timestamp < ${filter.after}`
        : sql`timestamp > ${filter.after}`,
  ];
  const where = sql.join(conditions, sql` and `);
  // Two index range scans (debit side, credit side) merged, rather than one OR that scans everything.
  const rows = await sql<TransferDbRow>`
    select * from (
      (select ${TRANSFER_COLUMNS} from ledger_transfers where debit_account_id = ${filter.accountId} and ${where}
       order by timestamp ${direction} limit ${filter.limit})
      union all
      (select ${TRANSFER_COLUMNS} from ledger_transfers where credit_account_id = ${filter.accountId} and ${where}
       order by timestamp ${direction} limit ${filter.limit})
    ) as both_sides order by timestamp ${direction} limit ${filter.limit}`.execute(db);
  return rows.rows.map(toTransfer);
}

/** Balances after each transfer, for an account with the history flag. */
export async function accountHistory(
  db: Executor,
  accountId: string,
  options: { after?: bigint | undefined; limit: number; reversed?: boolean | undefined },
): Promise<AccountBalance[]> {
  const direction = options.reversed ? sql.raw('desc') : sql.raw('asc');
  const after =
    options.after === undefined
      ? sql`true`
      : options.reversed
        ? sql`timestamp < ${options.after}`
        : sql`timestamp > ${options.after}`;
  const rows = await sql<{
    timestamp: bigint;
    transfer_id: string;
    debits_pending: bigint;
    debits_posted: bigint;
    credits_pending: bigint;
    credits_posted: bigint;
  }>`
    select timestamp, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted
    from ledger_account_history where account_id = ${accountId} and ${after}
    order by timestamp ${direction} limit ${options.limit}`.execute(db);
  return rows.rows.map((row) => ({
    timestamp: row.timestamp,
    transferId: row.transfer_id,
    debitsPending: row.debits_pending,
    debitsPosted: row.debits_posted,
    creditsPending: row.credits_pending,
    creditsPosted: row.credits_posted,
  }));
}

/**
 * An account's balances as they stood at ledger timestamp `at` (after every event up to and
 * including it). From the history rows when the account keeps them; otherwise recomputed from the
 * transfers and the pending transfers' resolutions, which gives the same answer more slowly.
 */
export async function balanceAt(db: Executor, account: Account, at: bigint): Promise<Balances> {
  // No timestamp reaches 2^63 - 1, so "at or before the largest" is "before it", and at + 1 stays in range.
  if (at >= INT8_MAX) at = INT8_MAX - 1n;
  if (hasFlag(account.flags, AccountFlag.history)) {
    const rows = await accountHistory(db, account.id, { after: at + 1n, limit: 1, reversed: true });
    const row = rows[0];
    // Expiries write no history row, so a pending amount that expired by `at` must still come off.
    const expired = await expiredPendingBy(db, account.id, at, row?.timestamp ?? -1n);
    if (!row) return { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };
    return {
      debitsPending: row.debitsPending - expired.debits,
      debitsPosted: row.debitsPosted,
      creditsPending: row.creditsPending - expired.credits,
      creditsPosted: row.creditsPosted,
    };
  }
  const pending = TransferFlag.pending;
  const voided = TransferFlag.voidPendingTransfer;
  const rows = await sql<{ dp: bigint; dpo: bigint; cp: bigint; cpo: bigint }>`
    select
      coalesce(sum(t.amount) filter (where t.debit_account_id = ${account.id} and t.flags & ${pending} <> 0
        and (p.resolved_timestamp is null or p.resolved_timestamp > ${at})), 0)::int8 as dp,
      coalesce(sum(t.amount) filter (where t.debit_account_id = ${account.id} and t.flags & ${pending | voided} = 0), 0)::int8 as dpo,
      coalesce(sum(t.amount) filter (where t.credit_account_id = ${account.id} and t.flags & ${pending} <> 0
        and (p.resolved_timestamp is null or p.resolved_timestamp > ${at})), 0)::int8 as cp,
      coalesce(sum(t.amount) filter (where t.credit_account_id = ${account.id} and t.flags & ${pending | voided} = 0), 0)::int8 as cpo
    from ledger_transfers t left join ledger_pending p on p.transfer_id = t.id
    where (t.debit_account_id = ${account.id} or t.credit_account_id = ${account.id}) and t.timestamp <= ${at}`.execute(
    db,
  );
  const row = rows.rows[0]!;
  return { debitsPending: row.dp, debitsPosted: row.dpo, creditsPending: row.cp, creditsPosted: row.cpo };
}

async function expiredPendingBy(
  db: Executor,
  accountId: string,
  at: bigint,
  since: bigint,
): Promise<{ debits: bigint; credits: bigint }> {
  const rows = await sql<{ debits: bigint; credits: bigint }>`
    select coalesce(sum(amount) filter (where debit_account_id = ${accountId}), 0)::int8 as debits,
           coalesce(sum(amount) filter (where credit_account_id = ${accountId}), 0)::int8 as credits
    from ledger_pending
    where state = 'expired' and resolved_timestamp > ${since} and resolved_timestamp <= ${at}
      and (debit_account_id = ${accountId} or credit_account_id = ${accountId})`.execute(db);
  return rows.rows[0] ?? { debits: 0n, credits: 0n };
}

/** Which posted movements of an account a statement lists: any of `match` (all when absent). */
export interface PostedMovementFilter {
  readonly accountId: string;
  /**
   * Any of these: a code, on one side of the account only or on either; `notCodes` matches every
   * code but those (what a caller does not know how to name).
   */
  readonly match?:
    | readonly (
        | { readonly code: number; readonly side?: 'debit' | 'credit' }
        | { readonly notCodes: readonly number[] }
      )[]
    | undefined;
  readonly side?: 'debit' | 'credit' | undefined;
  /** Inclusive bounds on created_at. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** Only movements strictly before this timestamp: the page cursor (newest first). */
  readonly before?: bigint | undefined;
  readonly limit: number;
}

export interface PostedMovement {
  readonly transfer: Transfer;
  /** The side of the account the transfer is on. */
  readonly side: 'debit' | 'credit';
  /** The account's posted balance on its normal side just after this transfer. */
  readonly balanceAfter: bigint;
  /** The account on the other side. */
  readonly counterpart: { readonly id: string; readonly code: number; readonly userData: string | null };
}

/**
 * The transfers that changed an account's posted balances (plain transfers and posts of pending
 * ones; not pending holds, which change only pending balances, nor voids), newest first, each with
 * the posted balance just after it: a running sum over every posted transfer of the account up to
 * it, whatever the filter leaves out, so it is exact on any page.
 */
export async function postedMovements(
  db: Executor,
  account: Account,
  filter: PostedMovementFilter,
): Promise<PostedMovement[]> {
  const id = account.id;
  const skip = TransferFlag.pending | TransferFlag.voidPendingTransfer;
  const before = filter.before === undefined ? sql`true` : sql`timestamp < ${filter.before}`;
  const match =
    filter.match === undefined
      ? sql`true`
      : filter.match.length === 0
        ? sql`false`
        : sql.join(
            filter.match.map((m) =>
              'notCodes' in m
                ? m.notCodes.length === 0
                  ? sql`true`
                  : sql`(r.code <> all(${[...m.notCodes]}::int[]))`
                : m.side === undefined
                  ? sql`(r.code = ${m.code})`
                  : sql`(r.code = ${m.code} and r.side = ${m.side})`,
            ),
            sql` or `,
          );
  const conditions = [
    sql`(${match})`,
    filter.side === undefined ? sql`true` : sql`r.side = ${filter.side}`,
    filter.from === undefined ? sql`true` : sql`r.created_at >= ${filter.from}`,
    filter.to === undefined ? sql`true` : sql`r.created_at <= ${filter.to}`,
  ];
  const rows = await sql<
    TransferDbRow & {
      side: 'debit' | 'credit';
      net_after: bigint;
      other_code: number;
      other_user_data: string | null;
      other_id: string;
    }
  >`
    with moves as (
      select ${TRANSFER_COLUMNS}, 'debit'::text as side, -amount as delta, credit_account_id as other_id
      from ledger_transfers where debit_account_id = ${id} and flags & ${skip} = 0 and ${before}
      union all
      select ${TRANSFER_COLUMNS}, 'credit'::text, amount, debit_account_id
      from ledger_transfers where credit_account_id = ${id} and flags & ${skip} = 0 and ${before}
    ), running as (
      select m.*, (sum(m.delta) over (order by m.timestamp rows between unbounded preceding and current row))::int8 as net_after
      from moves m
    )
    select r.*, a.code as other_code, a.user_data as other_user_data
    from running r join ledger_accounts a on a.id = r.other_id
    where ${sql.join(conditions, sql` and `)}
    order by r.timestamp desc limit ${filter.limit}`.execute(db);
  // The running sum starts at zero: credits less debits, turned to the normal side.
  const sign = chartEntry(account.code)?.normal === 'debit' ? -1n : 1n;
  return rows.rows.map((row) => ({
    transfer: toTransfer(row),
    side: row.side,
    balanceAfter: sign * BigInt(row.net_after),
    counterpart: { id: row.other_id, code: row.other_code, userData: row.other_user_data },
  }));
}
