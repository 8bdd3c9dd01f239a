import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { notFound, type PlainDate } from '../kernel/index.ts';
import { lineAccount, statementAccount } from './accounts.ts';
import type { CreditContext } from './lines.ts';
import { partsTotal, type StatementParts, unpaidParts } from './repayment.ts';
import { FEE_PLANS } from './statements.ts';

/**
 * Statements as the customer and staff read them (docs/credit.md, "Statements"): each with its parts
 * billed, paid and unpaid from the ledger, its status, and a statement's listing of the period.
 */
export type StatementStatus = 'open' | 'paid' | 'overdue' | 'converted';

/** A statement as the customer reads it: what it billed, paid so far, what is left, and by when. */
export interface StatementView {
  readonly id: string;
  readonly lineId: string;
  readonly statementDate: PlainDate;
  readonly periodStart: PlainDate;
  readonly dueOn: PlainDate;
  /** Billed principal, fees, interest (a conversion moves principal off), penalty accrued so far. */
  readonly billed: { principal: bigint; fees: bigint; interest: bigint; penalty: bigint };
  /** What earlier statements still owed when it was drawn up (shown, not owed twice). */
  readonly carried: bigint;
  readonly total: bigint;
  readonly minPayment: bigint;
  /** total − unpaid: repaid, or taken off by a merchant's refund. */
  readonly paid: bigint;
  readonly unpaid: bigint;
  readonly unpaidParts: StatementParts;
  readonly status: StatementStatus;
  readonly convertible: boolean;
  readonly convertedPlanId: string | null;
  readonly settledOn: PlainDate | null;
}

export interface StatementRow {
  id: string;
  line_id: string;
  statement_date: PlainDate;
  period_start: PlainDate;
  due_on: PlainDate;
  billed_principal: bigint;
  billed_fees: bigint;
  billed_interest: bigint;
  carried: bigint;
  min_payment: bigint;
  penalty_through: PlainDate | null;
  converted_plan_id: string | null;
  settled_on: PlainDate | null;
}

export const STATEMENT_COLUMNS = sql`id, line_id, statement_date::text as statement_date, period_start::text as period_start,
  due_on::text as due_on, billed_principal, billed_fees, billed_interest, carried, min_payment,
  penalty_through::text as penalty_through, converted_plan_id, settled_on::text as settled_on`;

async function views(
  context: CreditContext,
  db: Executor,
  rows: readonly StatementRow[],
  today: PlainDate,
  lineActive: boolean,
): Promise<StatementView[]> {
  const unpaid = await unpaidParts(
    context,
    db,
    rows.map((r) => r.id),
  );
  const penalties = await context.ledger.lookupAccounts(
    rows.map((r) => statementAccount.penalty(r.id)),
    { tx: db },
  );
  const penaltyOf = new Map(penalties.map((a) => [a.id, a.debitsPosted]));
  return rows.map((r) => {
    const parts = unpaid.get(r.id)!;
    const penalty = penaltyOf.get(statementAccount.penalty(r.id)) ?? 0n;
    const total = r.billed_principal + r.billed_fees + r.billed_interest + penalty;
    const left = partsTotal(parts);
    const status: StatementStatus =
      r.settled_on !== null
        ? 'paid'
        : r.due_on < today
          ? 'overdue'
          : r.converted_plan_id !== null
            ? 'converted'
            : 'open';
    return {
      id: r.id,
      lineId: r.line_id,
      statementDate: r.statement_date,
      periodStart: r.period_start,
      dueOn: r.due_on,
      billed: { principal: r.billed_principal, fees: r.billed_fees, interest: r.billed_interest, penalty },
      carried: r.carried,
      total,
      minPayment: r.min_payment,
      paid: total - left,
      unpaid: left,
      unpaidParts: parts,
      status,
      convertible:
        lineActive &&
        r.settled_on === null &&
        r.converted_plan_id === null &&
        today <= r.due_on &&
        // At least a cent of principal in each instalment of the smallest conversion (3).
        parts.principal >= 3n,
      convertedPlanId: r.converted_plan_id,
      settledOn: r.settled_on,
    };
  });
}

async function lineIsActive(db: Executor, lineId: string): Promise<boolean> {
  const rows = await sql<{
    status: string;
  }>`select status from credit_lines where id = ${lineId}::uuid`.execute(db);
  return rows.rows[0]?.status === 'active';
}

/** A line's latest 36 statements, newest first. */
export async function statementsOf(
  context: CreditContext,
  lineId: string,
  today: PlainDate,
): Promise<StatementView[]> {
  const rows = await sql<StatementRow>`select ${STATEMENT_COLUMNS} from credit_statements
    where line_id = ${lineId}::uuid order by statement_date desc limit 36`.execute(context.db);
  return views(context, context.db, rows.rows, today, await lineIsActive(context.db, lineId));
}

export interface StatementItem {
  readonly date: PlainDate;
  readonly kind: string;
  readonly description: string;
  readonly amount: bigint;
}

export interface StatementDetail extends StatementView {
  readonly items: StatementItem[];
  /** The principal of daily-interest cash draws outstanding now (never billed; repayable any time). */
  readonly cashDrawBalance: bigint;
}

/** The money events of a line that a statement lists for its period. */
const LISTED_EVENTS = ['purchase', 'refund', 'draw', 'repayment'];

const PLAN_NAMES: Record<string, string> = {
  purchase: 'purchase',
  instalment_purchase: 'instalment purchase',
  draw_instalments: 'cash instalment loan',
  statement_instalments: 'converted statement',
};

export async function statementOf(
  context: CreditContext,
  lineId: string,
  statementId: string,
  today: PlainDate,
  db: Executor = context.db,
): Promise<StatementDetail> {
  const rows = await sql<StatementRow>`select ${STATEMENT_COLUMNS} from credit_statements
    where id = ${statementId}::uuid and line_id = ${lineId}::uuid`.execute(db);
  if (!rows.rows[0]) throw notFound('statement_not_found', 'no such statement');
  const [view] = await views(context, db, rows.rows, today, await lineIsActive(db, lineId));
  const s = rows.rows[0];
  const events = await sql<{
    business_date: PlainDate;
    kind: string;
    amount: bigint | null;
    details: unknown;
  }>`
    select business_date::text as business_date, kind, amount, details from credit_line_events
    where line_id = ${lineId}::uuid and business_date between ${s.period_start} and ${s.statement_date}
      and kind = any(${LISTED_EVENTS}::text[])
    order by at, id`.execute(db);
  const items: StatementItem[] = events.rows.map((e) => ({
    date: e.business_date,
    kind: e.kind,
    description: describe(e.kind, e.details),
    amount: e.amount ?? 0n,
  }));
  const billed = await sql<{
    kind: string;
    seq: number;
    instalments: number;
    principal: bigint;
    charge: bigint;
  }>`select p.kind, i.seq, p.instalments, i.principal, i.charge from credit_plan_instalments i
    join credit_plans p on p.id = i.plan_id where i.statement_id = ${statementId}::uuid
    order by p.created_at, p.id`.execute(db);
  let planInterest = 0n;
  for (const i of billed.rows) {
    const name = PLAN_NAMES[i.kind] ?? i.kind;
    const of = i.instalments > 1 ? ` ${i.seq}/${i.instalments}` : '';
    items.push({
      date: s.statement_date,
      kind: 'instalment',
      description: `${name}${of}`,
      amount: i.principal,
    });
    if (i.charge === 0n) continue;
    if (FEE_PLANS.has(i.kind))
      items.push({ date: s.statement_date, kind: 'fee', description: `fee, ${name}${of}`, amount: i.charge });
    else {
      planInterest += i.charge;
      items.push({
        date: s.statement_date,
        kind: 'interest',
        description: `interest, ${name}${of}`,
        amount: i.charge,
      });
    }
  }
  if (s.converted_plan_id !== null) {
    const converted = await sql<{ principal: bigint; instalments: number; created_on: PlainDate }>`
      select principal, instalments, created_on::text as created_on from credit_plans
      where id = ${s.converted_plan_id}::uuid`.execute(db);
    const c = converted.rows[0];
    if (c)
      items.push({
        date: c.created_on,
        kind: 'converted',
        description: `converted into ${c.instalments} instalments`,
        amount: c.principal,
      });
  }
  const accrued = s.billed_interest - planInterest;
  if (accrued > 0n)
    items.push({
      date: s.statement_date,
      kind: 'interest',
      description: 'interest on cash draws',
      amount: accrued,
    });
  if (view!.billed.penalty > 0n)
    items.push({
      date: s.penalty_through ?? s.due_on,
      kind: 'penalty',
      description: 'penalty interest after the due date',
      amount: view!.billed.penalty,
    });
  const [principal] = await context.ledger.lookupAccounts([lineAccount.principal(lineId)], { tx: db });
  return {
    ...view!,
    items,
    cashDrawBalance: principal ? principal.debitsPosted - principal.creditsPosted : 0n,
  };
}

function describe(kind: string, details: unknown): string {
  const d = (details ?? {}) as Record<string, unknown>;
  if (kind === 'purchase' && typeof d.merchant === 'string') return `purchase at ${d.merchant}`;
  if (kind === 'refund' && typeof d.merchant === 'string') return `refund from ${d.merchant}`;
  if (kind === 'draw') return 'cash draw';
  return kind;
}

// --- The billing cycle ------------------------------------------------------------------------
