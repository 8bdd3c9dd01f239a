import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';

/**
 * What a user's data export reads from credit: their lines, the lines' statements, and the lines'
 * events (draws, repayments, limit changes, with their reasons). Amounts in minor units (the
 * exporter writes them as yuan). Read-only.
 */
export async function creditForExport(db: Executor, userId: string) {
  const [lines, statements, events] = await Promise.all([
    sql<Record<string, unknown>>`
      select id, product_id as "productId", status, reasons, grade, granted_limit as "grantedLimit",
             daily_rate::text as "dailyRate", opened_on::text as "openedOn", created_at as "createdAt"
      from credit_lines where customer_id = ${userId}::uuid order by created_at, id`.execute(db),
    sql<Record<string, unknown>>`
      select s.id, s.line_id as "lineId", s.statement_date::text as "statementDate", s.due_on::text as "dueOn",
             s.billed_principal as "billedPrincipal", s.billed_fees as "billedFees", s.billed_interest as "billedInterest",
             s.min_payment as "minPayment", s.settled_on::text as "settledOn"
      from credit_statements s join credit_lines l on l.id = s.line_id
      where l.customer_id = ${userId}::uuid order by s.statement_date, s.id`.execute(db),
    sql<Record<string, unknown>>`
      select e.id, e.line_id as "lineId", e.kind, e.amount, e.reason, e.business_date::text as "businessDate", e.at
      from credit_line_events e join credit_lines l on l.id = e.line_id
      where l.customer_id = ${userId}::uuid order by e.at, e.id`.execute(db),
  ]);
  return { lines: lines.rows, statements: statements.rows, events: events.rows };
}

/** Credit lines a customer still has open (or under review): an account with one is not closed. */
export async function openLinesOf(db: Executor, userId: string): Promise<number> {
  const rows = await sql<{ lines: bigint }>`
    select count(*) as lines from credit_lines
    where customer_id = ${userId}::uuid and status in ('referred', 'active', 'frozen')`.execute(db);
  return Number(rows.rows[0]!.lines);
}
