import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only facts about customers' payments for the CRM portraits (issue 20, src/crm), over a range
 * of user ids: succeeded payments (merchant payments and transfers to others), top-ups and
 * withdrawals in the 90 days to the date, the last payment's business date, and each customer's
 * wallet account (its balance is part of their assets; the fees taken from it are the platform's
 * income from them).
 */
export interface PaymentFacts {
  readonly userId: string;
  readonly walletAccount: string | null;
  readonly payments90: number;
  readonly paid90: bigint;
  readonly topUps90: number;
  readonly withdrawals90: number;
  readonly lastPaidOn: PlainDate | null;
}

export async function paymentFacts(
  db: Executor,
  range: { from: string | null; to: string | null; ids?: readonly string[] | null | undefined },
  date: PlainDate,
): Promise<PaymentFacts[]> {
  const rows = await sql<{
    user_id: string;
    account_id: string | null;
    n: number | null;
    paid: bigint | null;
    top_ups: number | null;
    withdrawals: number | null;
    last_on: string | null;
  }>`
    with orders as (
      select user_id,
        count(*) filter (where kind in ('merchant_payment', 'transfer'))::int as n,
        sum(amount) filter (where kind in ('merchant_payment', 'transfer'))::int8 as paid,
        count(*) filter (where kind = 'top_up')::int as top_ups,
        count(*) filter (where kind = 'withdrawal')::int as withdrawals
      from payment_orders
      where status = 'succeeded' and user_id is not null
        and business_date between ${date}::date - 89 and ${date}::date
        and (${range.from}::uuid is null or user_id >= ${range.from}::uuid)
        and (${range.to}::uuid is null or user_id < ${range.to}::uuid)
        and (${range.ids ? [...range.ids] : null}::uuid[] is null or user_id = any(${range.ids ? [...range.ids] : null}::uuid[]))
      group by user_id),
    last_paid as (
      select user_id, max(business_date)::text as last_on from payment_orders
      where status = 'succeeded' and kind in ('merchant_payment', 'transfer') and business_date <= ${date}::date
        and (${range.from}::uuid is null or user_id >= ${range.from}::uuid)
        and (${range.to}::uuid is null or user_id < ${range.to}::uuid)
        and (${range.ids ? [...range.ids] : null}::uuid[] is null or user_id = any(${range.ids ? [...range.ids] : null}::uuid[]))
      group by user_id),
    wallet as (
      select user_id, account_id from wallets
      where (${range.from}::uuid is null or user_id >= ${range.from}::uuid)
        and (${range.to}::uuid is null or user_id < ${range.to}::uuid)
        and (${range.ids ? [...range.ids] : null}::uuid[] is null or user_id = any(${range.ids ? [...range.ids] : null}::uuid[])))
    select coalesce(w.user_id, o.user_id, l.user_id) as user_id, w.account_id, o.n, o.paid, o.top_ups,
           o.withdrawals, l.last_on
    from wallet w full join orders o on o.user_id = w.user_id
      full join last_paid l on l.user_id = coalesce(w.user_id, o.user_id)`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    walletAccount: r.account_id,
    payments90: Number(r.n ?? 0),
    paid90: BigInt(r.paid ?? 0n),
    topUps90: Number(r.top_ups ?? 0),
    withdrawals90: Number(r.withdrawals ?? 0),
    lastPaidOn: r.last_on as PlainDate | null,
  }));
}

/**
 * For the portraits step: the earliest date after `date` on which time alone changes what
 * paymentFacts reads, by customer: a succeeded order leaving the 90 days, or dated later than `date`.
 */
export async function paymentChangesOn(
  db: Executor,
  range: { from: string | null; to: string | null; ids?: readonly string[] | null | undefined },
  date: PlainDate,
): Promise<Map<string, PlainDate>> {
  const rows = await sql<{ user_id: string; on: string }>`
    select user_id, min(case when business_date > ${date}::date then business_date else business_date + 90 end)::text as on
    from payment_orders
    where status = 'succeeded' and user_id is not null and business_date >= ${date}::date - 89
      and (${range.from}::uuid is null or user_id >= ${range.from}::uuid)
      and (${range.to}::uuid is null or user_id < ${range.to}::uuid)
      and (${range.ids ? [...range.ids] : null}::uuid[] is null or user_id = any(${range.ids ? [...range.ids] : null}::uuid[]))
    group by user_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.user_id, r.on as PlainDate]));
}
