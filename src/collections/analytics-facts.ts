import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only facts for operations analytics (src/analytics/areas/risk.ts): the loans whose case was
 * open at the start of a business date, with the stage it was in then, from the stage history (one
 * row per case and date its stage changed), so that a past date gives what that date's close saw.
 * A case opened by the date's own close is not in it (it did not exist during the date). One statement.
 */
export async function loanCasesOpenAtStartOf(
  db: Executor,
  date: PlainDate,
): Promise<{ loanId: string; stage: string }[]> {
  const rows = await sql<{ loan_id: string; stage: string }>`
    select c.loan_id, h.to_stage as stage
    from collection_cases c
    join lateral (select to_stage from collection_stage_history h
                  where h.case_id = c.id and h.business_date < ${date}
                  order by h.business_date desc limit 1) h on true
    where c.loan_id is not null and c.opened_on < ${date}
      and (c.closed_on is null or c.closed_on >= ${date}) and h.to_stage <> 'closed'`.execute(db);
  return rows.rows.map((r) => ({ loanId: r.loan_id, stage: r.stage }));
}
