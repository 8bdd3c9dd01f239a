import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only facts for anti-money-laundering monitoring (compliance reads them; payments never hears
 * of AML): every succeeded payment order as a movement of a customer's money, in or out. A transfer
 * is two movements, one for each side. All queries are set-based over a range of business dates.
 */
export type MovementKind =
  | 'top_up'
  | 'withdrawal'
  | 'transfer_in'
  | 'transfer_out'
  | 'merchant_payment'
  | 'refund';

export interface Movement {
  readonly userId: string;
  /** The payment order's id. */
  readonly ref: string;
  readonly kind: MovementKind;
  readonly direction: 'in' | 'out';
  readonly amount: bigint;
  readonly at: Date;
  readonly businessDate: PlainDate;
  /** The other customer of a transfer. */
  readonly counterpartyId: string | null;
}

/**
 * One of `of` disjoint parts of the customers (by a hash of their id), so that a scan over many
 * customers can be done in chunks.
 */
export interface CustomerPart {
  readonly index: number;
  readonly of: number;
}

/** The customers with a movement on `date`: how many, for planning chunks. */
export async function activeCustomerCount(db: Executor, date: PlainDate): Promise<number> {
  const rows = await sql<{ n: number }>`
    select count(distinct u)::int as n from (
      select user_id as u from payment_orders where status = 'succeeded' and business_date = ${date}::date and user_id is not null
      union all
      select counterparty_user_id from payment_orders
      where status = 'succeeded' and business_date = ${date}::date and kind = 'transfer' and counterparty_user_id is not null
    ) m`.execute(db);
  return Number(rows.rows[0]?.n ?? 0);
}

/** Which of these customers are in the part. */
export async function customersInPart(
  db: Executor,
  userIds: readonly string[],
  part: CustomerPart,
): Promise<Set<string>> {
  if (part.of === 1) return new Set(userIds);
  const rows = await sql<{ id: string }>`
    select id::text from unnest(${[...userIds]}::uuid[]) as u(id)
    where mod(hashtext(id::text)::bigint + 2147483648, ${part.of}) = ${part.index}`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}

interface Row {
  user_id: string;
  ref: string;
  kind: MovementKind;
  direction: 'in' | 'out';
  amount: bigint;
  at: Date;
  business_date: string;
  counterparty_id: string | null;
}

/**
 * The movements dated from `from` to `to` (business dates, inclusive) of the customers who had at
 * least one movement on `activeOn`: the customers a day's scan looks at, with their recent history.
 */
export async function amlMovements(
  db: Executor,
  range: { from: PlainDate; to: PlainDate; activeOn: PlainDate; part?: CustomerPart | undefined },
): Promise<Movement[]> {
  const part = range.part ?? { index: 0, of: 1 };
  const rows = await sql<Row>`
    with moves as (
      select user_id, id as ref,
             case kind when 'transfer' then 'transfer_out' else kind end as kind,
             case when kind in ('top_up', 'refund') then 'in' else 'out' end as direction,
             amount, coalesce(completed_at, updated_at) as at, business_date, counterparty_user_id as counterparty_id
      from payment_orders
      where status = 'succeeded' and user_id is not null
        and business_date between ${range.from}::date and ${range.to}::date
      union all
      select counterparty_user_id, id, 'transfer_in', 'in', amount, coalesce(completed_at, updated_at), business_date, user_id
      from payment_orders
      where status = 'succeeded' and kind = 'transfer' and counterparty_user_id is not null
        and business_date between ${range.from}::date and ${range.to}::date
    )
    select user_id, ref, kind, direction, amount, at, business_date::text, counterparty_id
    from moves
    where user_id in (select user_id from moves where business_date = ${range.activeOn}::date)
      and mod(hashtext(user_id::text)::bigint + 2147483648, ${part.of}) = ${part.index}
    order by user_id, at, ref`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    ref: r.ref,
    kind: r.kind,
    direction: r.direction,
    amount: BigInt(r.amount),
    at: r.at,
    businessDate: r.business_date as PlainDate,
    counterpartyId: r.counterparty_id,
  }));
}

/** Each customer's last business date with a movement before `date` (customers with none are absent). */
export async function lastMovementBefore(
  db: Executor,
  userIds: readonly string[],
  date: PlainDate,
): Promise<Map<string, PlainDate>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ user_id: string; last: string }>`
    select u.id as user_id, greatest(
      (select max(business_date) from payment_orders p
        where p.user_id = u.id and p.status = 'succeeded' and p.business_date < ${date}::date),
      (select max(business_date) from payment_orders p
        where p.counterparty_user_id = u.id and p.kind = 'transfer' and p.status = 'succeeded' and p.business_date < ${date}::date)
    )::text as last
    from unnest(${[...userIds]}::uuid[]) as u(id)`.execute(db);
  return new Map(rows.rows.filter((r) => r.last !== null).map((r) => [r.user_id, r.last as PlainDate]));
}
