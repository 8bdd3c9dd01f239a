import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { ChartOfAccounts } from './chart.ts';
import { TransferFlag } from './model.ts';

/**
 * Posted balances as they stood at an instant, for the analytics day step and its backfill (see
 * docs/analytics.md): a past business date's figures from the transfers created before the end of
 * that date, not from the accounts' balances of today. Set-based: one statement, each account's
 * transfers found through the debit and credit indexes.
 */
export interface PostedSums {
  readonly debitsPosted: bigint;
  readonly creditsPosted: bigint;
}

/** What moves posted balances: plain transfers and posts of pending ones, not holds nor voids. */
const NOT_POSTED = TransferFlag.pending | TransferFlag.voidPendingTransfer;

/** The posted sums of accounts before `before`, summed by the label each is given. Missing accounts count as zero. */
export async function postedSumsBefore(
  db: Executor,
  accounts: readonly { readonly id: string; readonly group: string }[],
  before: Date,
): Promise<Map<string, PostedSums>> {
  const sums = new Map<string, PostedSums>();
  for (let start = 0; start < accounts.length; start += 50_000) {
    const slice = accounts.slice(start, start + 50_000);
    const rows = await sql<{ grp: string; debits: bigint; credits: bigint }>`
      select w.grp, coalesce(sum(d.amount), 0)::int8 as debits, coalesce(sum(c.amount), 0)::int8 as credits
      from unnest(${slice.map((a) => a.id)}::text[], ${slice.map((a) => a.group)}::text[]) as w(id, grp)
      cross join lateral (select coalesce(sum(t.amount), 0) as amount from ledger_transfers t
        where t.debit_account_id = w.id and t.created_at < ${before} and t.flags & ${NOT_POSTED} = 0) d
      cross join lateral (select coalesce(sum(t.amount), 0) as amount from ledger_transfers t
        where t.credit_account_id = w.id and t.created_at < ${before} and t.flags & ${NOT_POSTED} = 0) c
      group by w.grp`.execute(db);
    for (const r of rows.rows) {
      const was = sums.get(r.grp);
      sums.set(r.grp, {
        debitsPosted: (was?.debitsPosted ?? 0n) + BigInt(r.debits),
        creditsPosted: (was?.creditsPosted ?? 0n) + BigInt(r.credits),
      });
    }
  }
  return sums;
}

/**
 * How many labels had at least one account in credit (posted credits − debits > 0) at the instant
 * `at`. The calling context writes the SQL, so that no account id passes through Node: `labels`, a
 * statement of (label) rows, one per label (the disclosure's investors: note holders), and
 * `accountsOf(label)`, a statement of (id) rows, the accounts of the label given as an SQL
 * expression (a holder's note accounts). One statement: for each label, its accounts are looked up
 * (primary key) until one is in credit (a lateral subquery with limit 1, so the plan stays a probe
 * per label whatever the statistics), so a label with an account in credit costs about one probe
 * and only a label with none reads all its accounts. An account's balance at `at` is its posted
 * balance as it stands less its posted transfers created at or after `at` (through the debit and
 * credit indexes): the posted balances are the sums of the posted transfers (verify.ts). Missing
 * accounts count as empty.
 */
export async function countLabelsInCreditAt(
  db: Executor,
  labels: RawBuilder<unknown>,
  accountsOf: (label: RawBuilder<unknown>) => RawBuilder<unknown>,
  at: Date,
): Promise<number> {
  const since = (side: 'credit' | 'debit') => sql`coalesce((select sum(t.amount) from ledger_transfers t
    where t.${sql.raw(`${side}_account_id`)} = a.id and t.created_at >= ${at} and t.flags & ${NOT_POSTED} = 0), 0)`;
  const rows = await sql<{ n: number }>`
    select count(*)::int as n from ${labels} as h(label)
    cross join lateral (
      select 1 from ${accountsOf(sql`h.label`)} as w(id)
      join ledger_accounts a on a.id = w.id
      where a.credits_posted - a.debits_posted - ${since('credit')} + ${since('debit')} > 0
      limit 1
    ) held`.execute(db);
  return rows.rows[0]!.n;
}

/**
 * The platform's cash as the chart defines it, before `before`: the channel cash accounts (1001,
 * money at each payment channel or bank) and channel clearing (1002, money in transit), on their
 * debit side, and the risk reserve fund (2201) on its credit side. The accounts are found through
 * the partial index ledger_accounts_cash_codes (migration 0037).
 */
export async function cashHeldBefore(
  db: Executor,
  before: Date,
): Promise<{ channelCash: bigint; channelClearing: bigint; reserve: bigint }> {
  const { channelCash, channelClearing, riskReserve } = ChartOfAccounts;
  const accounts = await sql<{ id: string; code: number }>`
    select id, code from ledger_accounts
    where code in (${sql.lit(channelCash.code)}, ${sql.lit(channelClearing.code)}, ${sql.lit(riskReserve.code)})`.execute(
    db,
  );
  const sums = await postedSumsBefore(
    db,
    accounts.rows.map((a) => ({ id: a.id, group: String(a.code) })),
    before,
  );
  const debitSide = (code: number) => {
    const s = sums.get(String(code));
    return s ? s.debitsPosted - s.creditsPosted : 0n;
  };
  return {
    channelCash: debitSide(channelCash.code),
    channelClearing: debitSide(channelClearing.code),
    reserve: -debitSide(riskReserve.code),
  };
}
