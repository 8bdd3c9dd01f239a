import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only, set-based facts for the users dashboard (analytics, issue 19): cash draws from credit
 * lines (loans taken, to the wallet or a card), by business date, and each customer's first. A
 * purchase on a line is a payment (payments counts it), not a loan.
 */

/** Cash draws of `date`: how many, and the amount drawn. */
export async function drawsOn(db: Executor, date: PlainDate): Promise<{ count: number; amount: bigint }> {
  const rows = await sql<{ n: bigint; amount: bigint | null }>`
    select count(*)::int8 as n, sum(amount)::int8 as amount from credit_line_events
    where kind = 'draw' and business_date = ${date}::date`.execute(db);
  return { count: Number(rows.rows[0]!.n), amount: BigInt(rows.rows[0]!.amount ?? 0n) };
}

/** Customers' first draw dates: of everyone, or of those who drew on `on` (over their whole history). */
export async function firstDrawDates(
  db: Executor,
  on?: PlainDate,
  userIds?: readonly string[],
): Promise<{ userId: string; firstOn: PlainDate }[]> {
  const rows = await sql<{ user_id: string; first_on: string }>`
    select l.customer_id as user_id, min(e.business_date)::text as first_on
    from credit_line_events e join credit_lines l on l.id = e.line_id
    where e.kind = 'draw'
      and ${
        on === undefined
          ? sql`true`
          : sql`l.customer_id in (select l2.customer_id from credit_line_events e2 join credit_lines l2 on l2.id = e2.line_id
                                  where e2.kind = 'draw' and e2.business_date = ${on}::date)`
      }
    and ${userIds === undefined ? sql`true` : sql`l.customer_id = any(${[...userIds]}::uuid[])`}
    group by l.customer_id`.execute(db);
  return rows.rows.map((r) => ({ userId: r.user_id, firstOn: r.first_on as PlainDate }));
}
