import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { TransferFlag } from './model.ts';

/** What moves posted balances: plain transfers and posts of pending ones, not holds nor voids. */
const NOT_POSTED = TransferFlag.pending | TransferFlag.voidPendingTransfer;

/**
 * The posted debits of each of these accounts by transfers of these codes, to date (crm's revenue
 * per customer, issue 20: the fees their wallets paid). Accounts with none are absent.
 */
export async function postedDebitsByCode(
  db: Executor,
  accountIds: readonly string[],
  codes: readonly number[],
): Promise<Map<string, bigint>> {
  if (accountIds.length === 0 || codes.length === 0) return new Map();
  const rows = await sql<{ id: string; amount: bigint }>`
    select t.debit_account_id as id, sum(t.amount)::int8 as amount from ledger_transfers t
    where t.debit_account_id = any(${[...accountIds]}::text[]) and t.code = any(${[...codes]}::int[])
      and t.flags & ${NOT_POSTED} = 0
    group by t.debit_account_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, BigInt(r.amount)]));
}
