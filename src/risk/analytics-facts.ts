import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { addDays, type PlainDate } from '../kernel/index.ts';

/**
 * Read-only facts of the decision log for operations analytics (src/analytics/areas/risk.ts): the
 * champion decisions (challenger and simulation runs decide nothing) of a business date by product,
 * graph version and outcome, and over the 30 days to the date by product. Dated by the log's
 * business_date column. The product is the application's (input.application.product).
 */
export interface DecisionCount {
  readonly product: string;
  readonly graphVersion: string;
  readonly outcome: string;
  readonly decisions: number;
}

export async function decisionsOn(
  db: Executor,
  date: PlainDate,
): Promise<{ day: DecisionCount[]; last30: { product: string; decided: number; approved: number }[] }> {
  const day = await sql<{ product: string; graph_version: number; outcome: string; n: number }>`
    select coalesce(input -> 'application' ->> 'product', 'unknown') as product, graph_version, outcome,
      count(*)::int as n
    from risk_decisions where business_date = ${date} and variant = 'champion' group by 1, 2, 3`.execute(db);
  const last30 = await sql<{ product: string; decided: number; approved: number }>`
    select coalesce(input -> 'application' ->> 'product', 'unknown') as product, count(*)::int as decided,
      count(*) filter (where outcome = 'approve')::int as approved
    from risk_decisions where business_date between ${addDays(date, -29)} and ${date} and variant = 'champion'
    group by 1`.execute(db);
  return {
    day: day.rows.map((r) => ({
      product: r.product,
      graphVersion: String(r.graph_version),
      outcome: r.outcome,
      decisions: r.n,
    })),
    last30: last30.rows,
  };
}
