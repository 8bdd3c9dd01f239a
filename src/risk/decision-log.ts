import { CompiledQuery, sql } from 'kysely';
import { type Executor, inGroupTransaction, textArray } from '../db/index.ts';
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
   * The kernel's rules (docs/group-commit.md): up to 500 rows a group, two groups in flight (each in
   * its own transaction and connection: while one group's insert runs in PostgreSQL, the next is
   * serialised and sent); a group whose insert fails is tried again one row at a time, so a bad row
   * fails only its own decision. Rows are independent of each other, so two groups may commit in
   * either order.
   */
  constructor(
    private readonly db: Executor,
    observer?: QueueObserver,
  ) {
    this.queue = new GroupCommit<DecisionRow, void>({
      maxSize: 500,
      concurrency: 2,
      ...(observer ? { observer } : {}),
      commit: async (rows) => {
        await inGroupTransaction(this.db, (trx) => insertDecisions(trx, [...rows]));
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

/** The log's columns, each with the type its parameter is cast to. */
const COLUMNS: readonly (readonly [string, string])[] = [
  ['id', 'uuid'],
  ['applicant_id', 'uuid'],
  ['subject', 'text'],
  ['input', 'jsonb'],
  ['sources', 'jsonb'],
  ['graph_id', 'uuid'],
  ['graph_name', 'text'],
  ['graph_version', 'int4'],
  ['model_id', 'uuid'],
  ['model_version', 'int4'],
  ['variant', 'text'],
  ['outcome', 'text'],
  ['grade', 'text'],
  ['score', 'int4'],
  ['annual_rate', 'numeric'],
  ['amount', 'int8'],
  ['reasons', 'text[]'],
  ['result', 'jsonb'],
  ['trace', 'text'],
  ['created_at', 'timestamptz'],
  ['business_date', 'date'],
];

/** A statement takes at most 65,535 parameters: larger groups are inserted in several. */
export const ROWS_PER_INSERT = Math.floor(65_535 / COLUMNS.length);

const INSERT_HEAD = `insert into risk_decisions (${COLUMNS.map(([name]) => name).join(', ')}) values `;

/** One row's parameters, in COLUMNS' order. */
function rowValues(r: DecisionRow): unknown[] {
  return [
    r.id,
    r.applicantId,
    r.subject,
    json(r.input),
    json(r.sources),
    r.graphId,
    r.graphName,
    r.graphVersion,
    r.modelId,
    r.modelVersion,
    r.variant,
    r.outcome,
    r.grade,
    r.score,
    r.annualRate,
    r.amount,
    textArray(r.reasons),
    json(r.result),
    r.trace === null || r.trace === undefined ? null : typeof r.trace === 'string' ? r.trace : json(r.trace),
    r.createdAt.toISOString(),
    r.businessDate,
  ];
}

/**
 * Inserts the rows (and opens the referrals' reviews) as a multi-row `values` list with one
 * parameter per value: the JSON documents and the trace go as plain text parameters, with none of
 * the quoting and escaping the driver does for the elements of an array parameter (which cost more
 * than the rest of the log's Node time together, docs/risk-profile.md section 1).
 */
export async function insertDecisions(
  trx: Executor,
  rows: DecisionRow[],
  rowsPerInsert = ROWS_PER_INSERT,
): Promise<void> {
  if (rows.length === 0) return;
  for (let from = 0; from < rows.length; from += rowsPerInsert) {
    const chunk = rows.slice(from, from + rowsPerInsert);
    const parameters: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      const base = parameters.length;
      tuples.push(`(${COLUMNS.map(([, type], i) => `$${base + i + 1}::${type}`).join(', ')})`);
      parameters.push(...rowValues(row));
    }
    await trx.executeQuery(CompiledQuery.raw(INSERT_HEAD + tuples.join(', '), parameters));
  }
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
