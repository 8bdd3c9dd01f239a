import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only, set-based facts for the users dashboard (analytics, issue 19): investments in wealth
 * products (money-market fund and mutual fund subscriptions, fixed-term purchases) by the business
 * date they were placed on, and each investor's first. An order counts when placed, whatever became
 * of it later (a fixed-term raise that failed and refunded it was still an investment made). A fund
 * subscription has no business-date column: its date is its creation's in Asia/Shanghai.
 */
export interface WealthOrdersOfDay {
  readonly product: 'mmf' | 'fixed' | 'fund';
  readonly count: number;
  readonly amount: bigint;
}

const FUND_DAY = sql`(created_at at time zone 'Asia/Shanghai')::date`;
const fundOn = (date: PlainDate) =>
  sql`created_at >= (${date}::date::timestamp at time zone 'Asia/Shanghai') and created_at < ((${date}::date + 1)::timestamp at time zone 'Asia/Shanghai')`;

/** Subscriptions and purchases placed on `date`, by product kind (all three, zero when none). */
export async function wealthInvestmentsOn(db: Executor, date: PlainDate): Promise<WealthOrdersOfDay[]> {
  const rows = await sql<{ product: string; n: bigint; amount: bigint | null }>`
    select 'mmf' as product, count(*)::int8 as n, sum(amount)::int8 as amount from wealth_mmf_orders
      where kind = 'subscription' and business_date = ${date}::date
    union all
    select 'fixed', count(*)::int8, sum(amount)::int8 from wealth_fixed_purchases where business_date = ${date}::date
    union all
    select 'fund', count(*)::int8, sum(amount)::int8 from wealth_fund_orders
      where kind = 'subscription' and ${fundOn(date)}`.execute(db);
  return (['mmf', 'fixed', 'fund'] as const).map((product) => {
    const row = rows.rows.find((r) => r.product === product);
    return { product, count: Number(row?.n ?? 0n), amount: BigInt(row?.amount ?? 0n) };
  });
}

/** Investors' first wealth order dates: of everyone, or of those who placed one on `on`. */
export async function firstWealthDates(
  db: Executor,
  on?: PlainDate,
): Promise<{ userId: string; firstOn: PlainDate }[]> {
  const rows = await sql<{ user_id: string; first_on: string }>`
    with orders as (
      select user_id, business_date as day from wealth_mmf_orders where kind = 'subscription'
      union all
      select user_id, business_date from wealth_fixed_purchases
      union all
      select user_id, ${FUND_DAY} from wealth_fund_orders where kind = 'subscription'
    )
    select user_id, min(day)::text as first_on from orders
    where ${
      on === undefined
        ? sql`true`
        : sql`user_id in (
            select user_id from wealth_mmf_orders where kind = 'subscription' and business_date = ${on}::date
            union select user_id from wealth_fixed_purchases where business_date = ${on}::date
            union select user_id from wealth_fund_orders where kind = 'subscription' and ${fundOn(on)})`
    }
    group by user_id`.execute(db);
  return rows.rows.map((r) => ({ userId: r.user_id, firstOn: r.first_on as PlainDate }));
}
