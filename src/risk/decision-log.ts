import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { GroupCommit, type QueueObserver } from '../kernel/index.ts';

/**
 * The decision log, written with group commit: decisions made at about the same time share one
 * INSERT, so logging every decision in full (inputs, sources, trace) costs one round trip per burst
 * rather than per decision. A decision is returned only after its log row has committed.
 */
export interface DecisionRow {
  id: string;
  applicantId: string | null;
  subject: string | null;
  input: unknown;
  sources: unknown;
  graphId: string;
  graphName: string;
  graphVersion: number;
  modelId: string | null;
  modelVersion: number | null;
  variant: 'champion' | 'challenger' | 'simulation';
  outcome: 'approve' | 'refer' | 'decline';
  grade: string | null;
  score: number | null;
  annualRate: string | null;
  amount: bigint | null;
  reasons: string[];
  result: unknown;
  trace: unknown;
  createdAt: Date;
  businessDate: string;
  /** For a referral: the review to open, and whether it needs two officers. */
  review?: { amount: bigint; needsTwo: boolean };
}

const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

export class DecisionLog {
  private readonly queue: GroupCommit<DecisionRow, void>;

  /**
   * The kernel's rules (docs/group-commit.md): up to 500 rows a group, one group at a time; a group
   * whose insert fails is tried again one row at a time, so a bad row fails only its own decision.
   */
  constructor(
    private readonly db: Executor,
    observer?: QueueObserver,
  ) {
    this.queue = new GroupCommit<DecisionRow, void>({
      maxSize: 500,
      ...(observer ? { observer } : {}),
      commit: async (rows) => {
        await inTransaction(this.db, (trx) => insertDecisions(trx, [...rows]));
        return rows.map(() => ({ ok: true, value: undefined }));
      },
    });
  }

  write(row: DecisionRow): Promise<void> {
    return this.queue.submit(row);
  }

  /** Refuses new rows and resolves once every row written before has committed (or failed). */
  close(): Promise<void> {
    return this.queue.close();
  }
}

export async function insertDecisions(trx: Executor, rows: DecisionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into risk_decisions (id, applicant_id, subject, input, sources, graph_id, graph_name, graph_version, model_id, model_version,
      variant, outcome, grade, score, annual_rate, amount, reasons, result, trace, created_at, business_date)
    select id, applicant_id, subject, input::jsonb, sources::jsonb, graph_id, graph_name, graph_version, model_id, model_version,
      variant, outcome, grade, score, annual_rate::numeric, amount, reasons::text[], result::jsonb, trace::jsonb, created_at::timestamptz, business_date::date
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.applicantId)}::uuid[], ${rows.map((r) => r.subject)}::text[],
                ${rows.map((r) => json(r.input))}::text[], ${rows.map((r) => json(r.sources))}::text[], ${rows.map((r) => r.graphId)}::uuid[],
                ${rows.map((r) => r.graphName)}::text[], ${rows.map((r) => r.graphVersion)}::int4[], ${rows.map((r) => r.modelId)}::uuid[],
                ${rows.map((r) => r.modelVersion)}::int4[], ${rows.map((r) => r.variant)}::text[], ${rows.map((r) => r.outcome)}::text[],
                ${rows.map((r) => r.grade)}::text[], ${rows.map((r) => r.score)}::int4[], ${rows.map((r) => r.annualRate)}::text[],
                ${rows.map((r) => r.amount)}::int8[], ${rows.map((r) => `{${r.reasons.map((x) => `"${x.replace(/["\\]/g, '')}"`).join(',')}}`)}::text[],
                ${rows.map((r) => json(r.result))}::text[], ${rows.map((r) => (r.trace === null ? null : typeof r.trace === 'string' ? r.trace : json(r.trace)))}::text[],
                ${rows.map((r) => r.createdAt.toISOString())}::text[], ${rows.map((r) => r.businessDate)}::text[])
      as v(id, applicant_id, subject, input, sources, graph_id, graph_name, graph_version, model_id, model_version, variant, outcome,
           grade, score, annual_rate, amount, reasons, result, trace, created_at, business_date)`.execute(
    trx,
  );
  const reviews = rows.filter((r) => r.review);
  if (reviews.length > 0) {
    await sql`
      insert into risk_reviews (decision_id, status, amount, needs_two, created_at, updated_at)
      select id, 'open', amount, needs_two, created_at::timestamptz, created_at::timestamptz
      from unnest(${reviews.map((r) => r.id)}::uuid[], ${reviews.map((r) => r.review!.amount)}::int8[],
                  ${reviews.map((r) => r.review!.needsTwo)}::bool[], ${reviews.map((r) => r.createdAt.toISOString())}::text[])
        as v(id, amount, needs_two, created_at)`.execute(trx);
  }
}
