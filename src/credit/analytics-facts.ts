import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * For analytics' liquidity (docs/analytics.md): what credit-line customers are asked to pay within
 * each horizon after the date, one set-based query. Statements drawn up by the date and due in
 * (date, date + h], not settled by the date, count what they billed (principal, fees, interest; a part
 * already paid is not subtracted: the ledger keeps that balance, not its history by date); plan
 * instalments with a due date in the window that no statement had billed by the date count their
 * principal and charge. The platform lends its own funds here: nothing of it is due to investors.
 */
export async function creditDuesAsOf(
  db: Executor,
  date: PlainDate,
  horizons: readonly number[],
): Promise<Map<number, bigint>> {
  const rows = await sql<{ horizon: number; due: bigint }>`
    select h.horizon,
      (select coalesce(sum(s.billed_principal + s.billed_fees + s.billed_interest), 0)
         from credit_statements s
         where s.statement_date <= ${date} and s.due_on > ${date} and s.due_on <= ${date}::date + h.horizon
           and (s.settled_on is null or s.settled_on > ${date}))
      + (select coalesce(sum(i.principal + i.charge), 0)
         from credit_plan_instalments i join credit_plans p on p.id = i.plan_id
         left join credit_statements s on s.id = i.statement_id
         where p.created_on <= ${date} and not i.cancelled
           and i.due_on > ${date} and i.due_on <= ${date}::date + h.horizon
           and (i.statement_id is null or s.statement_date > ${date}))
      as due
    from unnest(${[...horizons]}::int[]) as h(horizon)`.execute(db);
  return new Map(rows.rows.map((r) => [r.horizon, BigInt(r.due)]));
}
