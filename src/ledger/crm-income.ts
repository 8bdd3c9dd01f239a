import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { TransferFlag } from './model.ts';

/**
 * The platform's income from given accounts over a window, for the CRM's contribution of each
 * customer (issue 20, src/crm): posted transfers out of each account into an income account (codes
 * 4001–4099: fees, penalty, credit interest and fees, merchant discount), less transfers back out of
 * an income account into it (a reversal or refund), summed by the label each account is given and by
 * the income account's code. The contexts that own the accounts say whose they are (a wallet is its
 * user's, a loan's receivables its borrower's). Set-based: one statement per 50,000 accounts, each
 * account's transfers found through the debit and credit indexes.
 */
const NOT_POSTED = TransferFlag.pending | TransferFlag.voidPendingTransfer;

export async function incomeFromAccounts(
  db: Executor,
  accounts: readonly { readonly id: string; readonly group: string }[],
  window: { readonly from: Date; readonly to: Date },
): Promise<Map<string, Map<number, bigint>>> {
  const out = new Map<string, Map<number, bigint>>();
  for (let start = 0; start < accounts.length; start += 50_000) {
    const slice = accounts.slice(start, start + 50_000);
    const rows = await sql<{ grp: string; code: number; amount: bigint }>`
      select w.grp, x.code, sum(x.amount)::int8 as amount
      from unnest(${slice.map((a) => a.id)}::text[], ${slice.map((a) => a.group)}::text[]) as w(id, grp)
      cross join lateral (
        select i.code, t.amount from ledger_transfers t join ledger_accounts i on i.id = t.credit_account_id
        where t.debit_account_id = w.id and i.code between 4001 and 4099
          and t.created_at >= ${window.from} and t.created_at < ${window.to} and t.flags & ${NOT_POSTED} = 0
        union all
        select i.code, -t.amount from ledger_transfers t join ledger_accounts i on i.id = t.debit_account_id
        where t.credit_account_id = w.id and i.code between 4001 and 4099
          and t.created_at >= ${window.from} and t.created_at < ${window.to} and t.flags & ${NOT_POSTED} = 0) x
      group by w.grp, x.code`.execute(db);
    for (const r of rows.rows) {
      const byCode = out.get(r.grp) ?? new Map<number, bigint>();
      byCode.set(Number(r.code), (byCode.get(Number(r.code)) ?? 0n) + BigInt(r.amount));
      out.set(r.grp, byCode);
    }
  }
  return out;
}

/**
 * The oldest transfer incomeFromAccounts counts in the window, by label: when the sum over a sliding
 * window next changes by a transfer leaving it.
 */
export async function oldestIncomeIn(
  db: Executor,
  accounts: readonly { readonly id: string; readonly group: string }[],
  window: { readonly from: Date; readonly to: Date },
): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  for (let start = 0; start < accounts.length; start += 50_000) {
    const slice = accounts.slice(start, start + 50_000);
    const rows = await sql<{ grp: string; oldest: Date }>`
      select w.grp, min(x.at) as oldest
      from unnest(${slice.map((a) => a.id)}::text[], ${slice.map((a) => a.group)}::text[]) as w(id, grp)
      cross join lateral (
        select t.created_at as at from ledger_transfers t join ledger_accounts i on i.id = t.credit_account_id
        where t.debit_account_id = w.id and i.code between 4001 and 4099
          and t.created_at >= ${window.from} and t.created_at < ${window.to} and t.flags & ${NOT_POSTED} = 0
        union all
        select t.created_at from ledger_transfers t join ledger_accounts i on i.id = t.debit_account_id
        where t.credit_account_id = w.id and i.code between 4001 and 4099
          and t.created_at >= ${window.from} and t.created_at < ${window.to} and t.flags & ${NOT_POSTED} = 0) x
      group by w.grp`.execute(db);
    for (const r of rows.rows) {
      const was = out.get(r.grp);
      if (!was || r.oldest < was) out.set(r.grp, r.oldest);
    }
  }
  return out;
}
