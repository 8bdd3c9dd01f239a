import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only, set-based facts for the users dashboard (analytics, issue 19): payments a user made,
 * by business date, and each user's first. A payment is a merchant payment or a transfer to another
 * user that succeeded (top-ups, withdrawals and refunds move the user's own money, they pay no one).
 * As of a date: an order counts on its business date if it had succeeded by that date's end.
 */
export interface PaymentsOfDay {
  readonly kind: 'merchant' | 'transfer';
  readonly count: number;
  readonly amount: bigint;
}

const PAID = sql`kind in ('merchant_payment', 'transfer') and status = 'succeeded' and user_id is not null`;
const endOf = (date: PlainDate) => sql`((${date}::date + 1)::timestamp at time zone 'Asia/Shanghai')`;

/** Payments of `date` by kind (both kinds, zero when none). */
export async function paymentsOn(db: Executor, date: PlainDate): Promise<PaymentsOfDay[]> {
  const rows = await sql<{ kind: string; n: bigint; amount: bigint }>`
    select kind, count(*)::int8 as n, sum(amount)::int8 as amount from payment_orders
    where business_date = ${date}::date and ${PAID} and completed_at < ${endOf(date)}
    group by kind`.execute(db);
  const of = (kind: string) => rows.rows.find((r) => r.kind === kind);
  return (['merchant', 'transfer'] as const).map((kind) => {
    const row = of(kind === 'merchant' ? 'merchant_payment' : 'transfer');
    return { kind, count: Number(row?.n ?? 0n), amount: BigInt(row?.amount ?? 0n) };
  });
}

/** Payers' first payment dates: of everyone, or of those who paid on `on` (over their whole history). */
export async function firstPaymentDates(
  db: Executor,
  on?: PlainDate,
  userIds?: readonly string[],
): Promise<{ userId: string; firstOn: PlainDate }[]> {
  const rows = await sql<{ user_id: string; first_on: string }>`
    select user_id, min(business_date)::text as first_on from payment_orders
    where ${PAID} and completed_at < ((business_date + 1)::timestamp at time zone 'Asia/Shanghai')
      and ${on === undefined ? sql`true` : sql`user_id in (select user_id from payment_orders where business_date = ${on}::date and ${PAID} and completed_at < ${endOf(on)})`}
    and ${userIds === undefined ? sql`true` : sql`user_id = any(${[...userIds]}::uuid[])`}
    group by user_id`.execute(db);
  return rows.rows.map((r) => ({ userId: r.user_id, firstOn: r.first_on as PlainDate }));
}
