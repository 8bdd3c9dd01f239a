import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import { lineAccount, statementAccount } from './accounts.ts';

/**
 * Read-only facts about customers' credit lines for the CRM portraits (issue 20, src/crm), over a
 * range of user ids: lines, limits, cash draws, and the days past due now and at worst since the
 * line's last review. The accounts the platform's income on a line comes from (its interest, its
 * statements' fees, interest and penalty) are named here, so that CRM need not know their names.
 */
export interface CreditFacts {
  readonly userId: string;
  readonly lines: number;
  readonly activeLines: number;
  readonly limit: bigint;
  readonly draws: number;
  readonly drawn: bigint;
  readonly currentDpd: number;
  readonly worstDpd: number;
  readonly incomeAccounts: string[];
}

export async function creditFacts(
  db: Executor,
  range: { from: string | null; to: string | null; ids?: readonly string[] | null | undefined },
  date: PlainDate,
): Promise<CreditFacts[]> {
  const rows = await sql<{
    user_id: string;
    lines: number;
    active: number;
    limit: bigint | null;
    draws: number;
    drawn: bigint | null;
    dpd: number;
    worst: number;
    ids: string[];
    statements: string[] | null;
  }>`
    select l.customer_id as user_id, count(*)::int as lines,
      count(*) filter (where l.status in ('active', 'frozen'))::int as active,
      sum(l.granted_limit + l.temporary_raise) filter (where l.status in ('active', 'frozen'))::int8 as limit,
      (select count(*)::int from credit_line_events e join credit_lines x on x.id = e.line_id
        where x.customer_id = l.customer_id and e.kind = 'draw' and e.business_date <= ${date}::date) as draws,
      (select sum(e.amount)::int8 from credit_line_events e join credit_lines x on x.id = e.line_id
        where x.customer_id = l.customer_id and e.kind = 'draw' and e.business_date <= ${date}::date) as drawn,
      coalesce(max(${date}::date - l.overdue_since) filter (where l.overdue_since is not null), 0)::int as dpd,
      coalesce(max(l.worst_dpd), 0)::int as worst,
      array_agg(l.id::text order by l.id) as ids,
      (select array_agg(s.id::text order by s.id) from credit_statements s join credit_lines x on x.id = s.line_id
        where x.customer_id = l.customer_id) as statements
    from credit_lines l
    where l.status <> 'declined'
      and (${range.from}::uuid is null or l.customer_id >= ${range.from}::uuid)
      and (${range.to}::uuid is null or l.customer_id < ${range.to}::uuid)
      and (${range.ids ? [...range.ids] : null}::uuid[] is null or l.customer_id = any(${range.ids ? [...range.ids] : null}::uuid[]))
    group by l.customer_id order by l.customer_id`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.user_id,
    lines: Number(r.lines),
    activeLines: Number(r.active),
    limit: BigInt(r.limit ?? 0n),
    draws: Number(r.draws),
    drawn: BigInt(r.drawn ?? 0n),
    currentDpd: Math.max(0, Number(r.dpd)),
    worstDpd: Number(r.worst),
    incomeAccounts: [
      ...r.ids.flatMap((id) => [lineAccount.principal(id), lineAccount.interest(id)]),
      ...(r.statements ?? []).flatMap((id) => [
        statementAccount.fees(id),
        statementAccount.interest(id),
        statementAccount.penalty(id),
      ]),
    ],
  }));
}

/**
 * For the portraits step: the earliest date after `date` on which time alone changes what
 * creditFacts reads, by customer: a draw dated later than `date`, and the next day for a line past
 * due now (its days past due grow daily).
 */
export async function creditChangesOn(
  db: Executor,
  range: { from: string | null; to: string | null; ids?: readonly string[] | null | undefined },
  date: PlainDate,
): Promise<Map<string, PlainDate>> {
  const rows = await sql<{ user_id: string; on: string }>`
    select user_id, min(d)::text as on from (
      select l.customer_id as user_id, e.business_date as d
      from credit_line_events e join credit_lines l on l.id = e.line_id
      where e.kind = 'draw' and e.business_date > ${date}::date
      union all
      select l.customer_id, ${date}::date + 1 from credit_lines l
      where l.status <> 'declined' and l.overdue_since is not null) x
    where (${range.from}::uuid is null or user_id >= ${range.from}::uuid)
      and (${range.to}::uuid is null or user_id < ${range.to}::uuid)
      and (${range.ids ? [...range.ids] : null}::uuid[] is null or user_id = any(${range.ids ? [...range.ids] : null}::uuid[]))
    group by user_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.user_id, r.on as PlainDate]));
}
