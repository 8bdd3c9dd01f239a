import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * What crm's campaigns (issue 20) read of lending, per user: the principal of the investor notes
 * they acquired (bids settled at a disbursement, notes bought on the secondary market), their first
 * investment day and what they invested that day, and the principal of the loans disbursed to them
 * (an assigned credit draw's loan is not a new loan, as in analytics-users.ts).
 */
export interface UserInvestments {
  readonly userId: string;
  readonly invested: bigint;
  readonly firstOn: PlainDate;
  readonly firstDayAmount: bigint;
}

export async function noteInvestmentsOf(
  db: Executor,
  userIds: readonly string[],
): Promise<UserInvestments[]> {
  if (userIds.length === 0) return [];
  const rows = await sql<{ user_id: string; invested: bigint; first_on: string; first_day: bigint }>`
    with notes as (
      select holder_id, acquired_on, original_principal from loan_notes
      where kind = 'investor' and origin in ('disbursement', 'purchase') and holder_id = any(${[...userIds]}::uuid[])
    ), firsts as (select holder_id, min(acquired_on) as first_on from notes group by holder_id)
    select n.holder_id as user_id, sum(n.original_principal)::int8 as invested, f.first_on::text as first_on,
           coalesce(sum(n.original_principal) filter (where n.acquired_on = f.first_on), 0)::int8 as first_day
    from notes n join firsts f using (holder_id)
    group by n.holder_id, f.first_on`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    invested: BigInt(r.invested),
    firstOn: r.first_on as PlainDate,
    firstDayAmount: BigInt(r.first_day),
  }));
}

/** Principal disbursed to each of these users as borrowers. */
export async function borrowedBy(db: Executor, userIds: readonly string[]): Promise<Map<string, bigint>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ user_id: string; amount: bigint }>`
    select borrower_id as user_id, sum(amount)::int8 as amount from loans l
    where borrower_id = any(${[...userIds]}::uuid[]) and disbursed_at is not null
      and not exists (select 1 from loan_applications a where a.id = l.application_id and a.credit_plan_id is not null)
    group by borrower_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.user_id, BigInt(r.amount)]));
}
