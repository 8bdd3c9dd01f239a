import { sql } from 'kysely';
import { type Executor, integerArray, textArray } from '../src/db/index.ts';

/**
 * The benchmarks' bare-SQL baselines: the rows a ledger must write, written with none of its checks,
 * into copies of its two tables, so that netfin's figures stand beside what PostgreSQL itself costs.
 */
export interface BareTables {
  readonly accounts: string;
  readonly transfers: string;
}

export interface BareTransfer {
  readonly id: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
}

/**
 * Copies of ledger_accounts (with its rows) and ledger_transfers (with its rows when asked): same
 * columns, indexes and fillfactor, analysed so that the planner knows their size.
 */
export async function copyLedgerTables(
  db: Executor,
  tables: BareTables,
  withTransfers: boolean,
): Promise<void> {
  await sql`create table ${sql.table(tables.accounts)} (like ledger_accounts including all) with (fillfactor = 70)`.execute(
    db,
  );
  await sql`insert into ${sql.table(tables.accounts)} select * from ledger_accounts`.execute(db);
  await sql`create table ${sql.table(tables.transfers)} (like ledger_transfers including all)`.execute(db);
  if (withTransfers)
    await sql`insert into ${sql.table(tables.transfers)} select * from ledger_transfers`.execute(db);
  await sql`analyze ${sql.table(tables.accounts)}`.execute(db);
  await sql`analyze ${sql.table(tables.transfers)}`.execute(db);
}

/** The transfers' rows only, timestamped from `base` on. */
export async function insertTransfers(
  trx: Executor,
  tables: BareTables,
  transfers: readonly BareTransfer[],
  base: bigint,
): Promise<void> {
  await sql`
    insert into ${sql.table(tables.transfers)} (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code,
                                                user_data, flags, timeout_seconds, timestamp, created_at)
    select id, dr, cr, amount, null, 'CNY', 1, null, 0, 0, ${base} + ord, now()
    from unnest(${textArray(transfers.map((t) => t.id))}::text[], ${textArray(transfers.map((t) => t.debitAccountId))}::text[],
                ${textArray(transfers.map((t) => t.creditAccountId))}::text[], ${integerArray(transfers.map((t) => t.amount))}::int8[])
      with ordinality as v(id, dr, cr, amount, ord)`.execute(trx);
}

/**
 * Bare SQL for a batch: lock its accounts in id order, insert its rows, add the summed amounts to the
 * balances. No checks.
 */
export async function postTransfers(
  trx: Executor,
  tables: BareTables,
  transfers: readonly BareTransfer[],
  base: bigint,
): Promise<void> {
  const deltas = new Map<string, { debit: bigint; credit: bigint }>();
  const delta = (id: string) => {
    let d = deltas.get(id);
    if (!d) {
      d = { debit: 0n, credit: 0n };
      deltas.set(id, d);
    }
    return d;
  };
  for (const t of transfers) {
    delta(t.debitAccountId).debit += t.amount;
    delta(t.creditAccountId).credit += t.amount;
  }
  const ids = [...deltas.keys()].sort();
  await sql`select id from ${sql.table(tables.accounts)} join unnest(${textArray(ids)}::text[]) as w(id) using (id)
    order by id for no key update`.execute(trx);
  await insertTransfers(trx, tables, transfers, base);
  await sql`
    update ${sql.table(tables.accounts)} a set debits_posted = a.debits_posted + v.debit, credits_posted = a.credits_posted + v.credit
    from unnest(${textArray(ids)}::text[], ${integerArray(ids.map((id) => deltas.get(id)!.debit))}::int8[],
                ${integerArray(ids.map((id) => deltas.get(id)!.credit))}::int8[]) as v(id, debit, credit)
    where a.id = v.id`.execute(trx);
}
