import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Clock, PlainDate } from '../kernel/index.ts';

/**
 * Risk's part of data protection (compliance decides when; risk changes only its own rows): the
 * removal of old data-source responses from the decision log and the cache, and what a user's data
 * export reads from risk.
 */

/**
 * Strips the raw data-source responses from decisions made before `before` (business dates): each
 * source keeps its status and whether it was cached, the input loses its copies of the bureau file
 * and the blacklist answer, and the trace (which repeats them node by node) goes. The decision
 * itself stays: outcome, grade, score, amount, rate, reasons, the features computed and the graph
 * and model versions. Such a decision can no longer be replayed, which is the point.
 */
export async function stripSourceResponsesBefore(
  db: Executor,
  clock: Clock,
  before: PlainDate,
): Promise<number> {
  const result = await sql`
    update risk_decisions set
      sources = coalesce((select jsonb_object_agg(s.key, jsonb_build_object('status', s.value -> 'status',
                            'cached', s.value -> 'cached', 'removed', true))
                          from jsonb_each(case when jsonb_typeof(sources) = 'object' then sources else '{}'::jsonb end) s), '{}'::jsonb),
      input = input - 'bureau' - 'blacklist',
      trace = null,
      sources_removed_at = ${clock.now()}
    where business_date < ${before}::date and sources_removed_at is null`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Deletes cached source responses fetched before `before` (the cache is only read for 24 hours). */
export async function deleteSourceCacheBefore(db: Executor, before: Date): Promise<number> {
  const result = await sql`delete from risk_source_cache where fetched_at < ${before}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** A user's decisions for their data export: the outcome and reasons, not the inputs or sources. */
export async function decisionsForExport(db: Executor, applicantId: string) {
  const rows = await sql<{
    id: string;
    outcome: string;
    grade: string | null;
    reasons: string[];
    business_date: string;
    created_at: Date;
  }>`
    select id, outcome, grade, reasons, business_date::text, created_at from risk_decisions
    where applicant_id = ${applicantId}::uuid and variant <> 'simulation' order by created_at desc limit 1000`.execute(
    db,
  );
  return rows.rows.map((r) => ({
    id: r.id,
    outcome: r.outcome,
    grade: r.grade,
    reasons: r.reasons,
    businessDate: r.business_date,
    createdAt: r.created_at,
  }));
}
