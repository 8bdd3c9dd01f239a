import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * What crm's campaigns (issue 20) read of wealth, per user: what they put into wealth products
 * (money-market fund and mutual fund subscriptions, fixed-term purchases, counted when placed, as
 * analytics-users.ts counts them), their first such day and what they placed that day.
 * `settledOnly` (what a reward is paid on): a fixed-term purchase counts only once its raise has
 * succeeded, never while raising nor after a failed raise refunded it (money the customer got back
 * is no investment to reward).
 */
export async function wealthInvestmentsOf(
  db: Executor,
  userIds: readonly string[],
  options: { readonly settledOnly?: boolean } = {},
): Promise<{ userId: string; invested: bigint; firstOn: PlainDate; firstDayAmount: bigint }[]> {
  if (userIds.length === 0) return [];
  const ids = [...userIds];
  const fixedSettled = options.settledOnly ? sql`and status not in ('raising', 'refunded')` : sql``;
  const rows = await sql<{ user_id: string; invested: bigint; first_on: string; first_day: bigint }>`
    with orders as (
      select user_id, business_date as day, amount from wealth_mmf_orders
        where kind = 'subscription' and user_id = any(${ids}::uuid[])
      union all
      select user_id, business_date, amount from wealth_fixed_purchases
        where user_id = any(${ids}::uuid[]) ${fixedSettled}
      union all
      select user_id, (created_at at time zone 'Asia/Shanghai')::date, amount from wealth_fund_orders
        where kind = 'subscription' and user_id = any(${ids}::uuid[])
    ), firsts as (select user_id, min(day) as first_on from orders group by user_id)
    select o.user_id, coalesce(sum(o.amount), 0)::int8 as invested, f.first_on::text as first_on,
           coalesce(sum(o.amount) filter (where o.day = f.first_on), 0)::int8 as first_day
    from orders o join firsts f using (user_id)
    group by o.user_id, f.first_on`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    invested: BigInt(r.invested),
    firstOn: r.first_on as PlainDate,
    firstDayAmount: BigInt(r.first_day),
  }));
}
