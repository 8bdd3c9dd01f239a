import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';

/**
 * What a risk officer settled in a manual review against what the applicant asked for and the
 * engine priced: the contracts register reports a difference as a deviation for legal review.
 */
export interface ReviewedTerms {
  readonly askedAmount: bigint;
  readonly finalAmount: bigint | null;
  /** The annual rate the decision engine priced (a line's daily rate × 365). */
  readonly engineRate: string | null;
  readonly finalRate: string | null;
  readonly decidedBy: string | null;
}

/** The approved review of a decision, or null when the decision was not reviewed (or not approved). */
export async function reviewedTerms(db: Executor, decisionId: string): Promise<ReviewedTerms | null> {
  const rows = await sql<{
    amount: bigint;
    final_amount: bigint | null;
    engine_rate: string | null;
    final_rate: string | null;
    decided_by: string | null;
  }>`select r.amount, r.final_amount, d.annual_rate::text as engine_rate, r.final_rate::text as final_rate, r.decided_by
     from risk_reviews r join risk_decisions d on d.id = r.decision_id
     where r.decision_id = ${decisionId}::uuid and r.status = 'approved'`.execute(db);
  const row = rows.rows[0];
  if (!row) return null;
  return {
    askedAmount: row.amount,
    finalAmount: row.final_amount,
    engineRate: row.engine_rate,
    finalRate: row.final_rate,
    decidedBy: row.decided_by,
  };
}
