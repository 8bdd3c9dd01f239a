import { sql } from 'kysely';
import { addDays, Decimal, formatDecimal, type PlainDate } from '../kernel/index.ts';
import type { Stage } from './settings.ts';
import type { CollectionsContext } from './steps.ts';

/** A collector's (or, with no collector, the whole team's) figures for the business date. */
export interface WorkSummary {
  readonly businessDate: PlainDate;
  readonly openCases: { readonly stage: Stage; readonly count: number; readonly overdueAmount: bigint }[];
  readonly promisesDueToday: { readonly count: number; readonly amount: bigint };
  /** Promises made in the last 30 days that came due: kept and broken, and kept / (kept + broken). */
  readonly promises30d: { readonly kept: number; readonly broken: number; readonly keptRate: string | null };
  readonly casesTouchedToday: number;
}

/**
 * The dashboard's figures: open cases by stage, pending promises due today (count and amount), the
 * kept rate of promises made in the last 30 days, and the cases contacted today. A collector's own:
 * cases assigned to them, promises and contacts they logged; the team's with no collector.
 */
export async function workSummary(
  context: CollectionsContext,
  collectorId: string | null,
): Promise<WorkSummary> {
  const today = context.clock.businessDate();
  const from = addDays(today, -29);
  const mine = collectorId;
  const stages = await sql<{ stage: Stage; n: number; amount: string }>`
    select stage, count(*)::int as n, coalesce(sum(overdue_amount), 0)::text as amount from collection_cases
    where status = 'open' and (${mine}::uuid is null or assigned_to = ${mine}::uuid)
    group by stage order by stage`.execute(context.db);
  const due = await sql<{ n: number; amount: string }>`
    select count(*)::int as n, coalesce(sum(p.amount), 0)::text as amount
    from collection_promises p join collection_cases c on c.id = p.case_id
    where p.status = 'pending' and p.promised_on = ${today}::date
      and (${mine}::uuid is null or c.assigned_to = ${mine}::uuid)`.execute(context.db);
  const promises = await sql<{ kept: number; broken: number }>`
    select count(*) filter (where p.status = 'kept')::int as kept, count(*) filter (where p.status = 'broken')::int as broken
    from collection_promises p join collection_contacts k on k.id = p.contact_id
    where p.made_on between ${from}::date and ${today}::date
      and (${mine}::uuid is null or k.collector_id = ${mine}::uuid)`.execute(context.db);
  const touched = await sql<{ n: number }>`
    select count(distinct case_id)::int as n from collection_contacts
    where business_date = ${today}::date and collector_id is not null
      and (${mine}::uuid is null or collector_id = ${mine}::uuid)`.execute(context.db);
  const kept = promises.rows[0]?.kept ?? 0;
  const broken = promises.rows[0]?.broken ?? 0;
  return {
    businessDate: today,
    openCases: stages.rows.map((r) => ({ stage: r.stage, count: r.n, overdueAmount: BigInt(r.amount) })),
    promisesDueToday: { count: due.rows[0]?.n ?? 0, amount: BigInt(due.rows[0]?.amount ?? '0') },
    promises30d: {
      kept,
      broken,
      keptRate: kept + broken === 0 ? null : formatDecimal(new Decimal(kept).div(kept + broken), 4),
    },
    casesTouchedToday: touched.rows[0]?.n ?? 0,
  };
}
