import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only facts about customers' wealth products for the CRM portraits (issue 20, src/crm), over
 * a range of user ids: the orders placed (money-market and mutual fund subscriptions, fixed-term
 * purchases, by the business date placed; a fund subscription's date is its creation's in Shanghai),
 * and the holdings' ledger accounts with what one unit is worth, so that CRM values them at the
 * ledger: a money-market or fixed-term holding is in cents (a unit is a cent), a mutual fund's in
 * hundredths of a unit of its own ledger, worth the latest NAV on or before the date.
 */
export interface WealthInvesting {
  readonly userId: string;
  readonly count: number;
  readonly amount: bigint;
  readonly count90: number;
  readonly amount90: bigint;
  readonly count365: number;
  readonly firstOn: PlainDate;
  readonly lastOn: PlainDate;
  /** Product codes bought, and their kinds (money_market, mutual_fund, fixed_term). */
  readonly products: string[];
  readonly kinds: string[];
}

export interface HoldingAccount {
  readonly userId: string;
  readonly accountId: string;
  /** null: the balance is in cents; otherwise the NAV (4 decimals, as text) of a hundredth-unit balance. */
  readonly nav: string | null;
}

type Range = { from: string | null; to: string | null; ids?: readonly string[] | null | undefined };

const inRange = (range: Range) =>
  sql`(${range.from}::uuid is null or user_id >= ${range.from}::uuid) and (${range.to}::uuid is null or user_id < ${range.to}::uuid)
    and (${range.ids ? [...range.ids] : null}::uuid[] is null or user_id = any(${range.ids ? [...range.ids] : null}::uuid[]))`;

export async function wealthInvesting(
  db: Executor,
  range: Range,
  date: PlainDate,
): Promise<WealthInvesting[]> {
  const rows = await sql<{
    user_id: string;
    n: number;
    amount: bigint;
    n90: number;
    amount90: bigint | null;
    n365: number;
    first_on: string;
    last_on: string;
    products: string[];
    kinds: string[];
  }>`
    with orders as (
      select user_id, product_id, amount, business_date as day from wealth_mmf_orders
        where kind = 'subscription' and ${inRange(range)}
      union all
      select user_id, product_id, amount, business_date from wealth_fixed_purchases where ${inRange(range)}
      union all
      select user_id, product_id, coalesce(amount, 0), (created_at at time zone 'Asia/Shanghai')::date
        from wealth_fund_orders where kind = 'subscription' and ${inRange(range)})
    select o.user_id, count(*)::int as n, sum(o.amount)::int8 as amount,
      count(*) filter (where o.day > ${date}::date - 90)::int as n90,
      sum(o.amount) filter (where o.day > ${date}::date - 90)::int8 as amount90,
      count(*) filter (where o.day > ${date}::date - 365)::int as n365,
      min(o.day)::text as first_on, max(o.day)::text as last_on,
      array_agg(distinct p.code order by p.code) as products,
      array_agg(distinct p.kind order by p.kind) as kinds
    from orders o join wealth_products p on p.id = o.product_id
    where o.day <= ${date}::date
    group by o.user_id order by o.user_id`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    count: Number(r.n),
    amount: BigInt(r.amount),
    count90: Number(r.n90),
    amount90: BigInt(r.amount90 ?? 0n),
    count365: Number(r.n365),
    firstOn: r.first_on as PlainDate,
    lastOn: r.last_on as PlainDate,
    products: r.products,
    kinds: r.kinds,
  }));
}

export async function holdingAccounts(
  db: Executor,
  range: Range,
  date: PlainDate,
): Promise<HoldingAccount[]> {
  const rows = await sql<{ user_id: string; account_id: string; kind: string; nav: string | null }>`
    select h.user_id, h.account_id, p.kind,
      (select n.nav::text from wealth_fund_navs n where n.product_id = h.product_id and n.date <= ${date}::date
        order by n.date desc limit 1) as nav
    from wealth_holdings h join wealth_products p on p.id = h.product_id
    where (${range.from}::uuid is null or h.user_id >= ${range.from}::uuid)
      and (${range.to}::uuid is null or h.user_id < ${range.to}::uuid)
      and (${range.ids ? [...range.ids] : null}::uuid[] is null or h.user_id = any(${range.ids ? [...range.ids] : null}::uuid[]))
    order by h.user_id, h.account_id`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    accountId: r.account_id,
    nav: r.kind === 'mutual_fund' ? (r.nav ?? '0') : null,
  }));
}

/**
 * For the portraits step: the earliest date after `date` on which time alone changes what
 * wealthInvesting reads, by customer: an order leaving the 90 or 365 days, or dated later than
 * `date`. (A mutual fund holding's value follows the NAVs: the portraits step recomputes a customer
 * holding units every day.)
 */
export async function wealthChangesOn(
  db: Executor,
  range: Range,
  date: PlainDate,
): Promise<Map<string, PlainDate>> {
  const rows = await sql<{ user_id: string; on: string }>`
    with orders as (
      select user_id, business_date as day from wealth_mmf_orders where kind = 'subscription' and ${inRange(range)}
      union all
      select user_id, business_date from wealth_fixed_purchases where ${inRange(range)}
      union all
      select user_id, (created_at at time zone 'Asia/Shanghai')::date from wealth_fund_orders
        where kind = 'subscription' and ${inRange(range)})
    select user_id, min(case when day > ${date}::date then day
                             when day > ${date}::date - 90 then day + 90
                             else day + 365 end)::text as on
    from orders where day > ${date}::date - 365
    group by user_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.user_id, r.on as PlainDate]));
}

/** Every product's id, code and kind, for the portraits step's basis (a change recomputes everyone). */
export async function productKinds(db: Executor): Promise<{ id: string; code: string; kind: string }[]> {
  const rows = await sql<{ id: string; code: string; kind: string }>`
    select id::text as id, code, kind from wealth_products order by id`.execute(db);
  return rows.rows;
}
