import { sql } from 'kysely';
import { businessDateIn, type ChunkBounds, keyRange } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import {
  addDays,
  addMonths,
  Decimal,
  dateParts,
  fromParts,
  notFound,
  type PlainDate,
  roundToInteger,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import type { TransferInput } from '../ledger/index.ts';
import {
  CREDIT_FEE_INCOME_ACCOUNT,
  CREDIT_INTEREST_INCOME_ACCOUNT,
  CREDIT_PENALTY_INCOME_ACCOUNT,
  CreditCode,
  createLineAccounts,
  createStatementAccounts,
  ensurePlatformAccounts,
  lineAccount,
  post,
  statementAccount,
  transfer,
} from './accounts.ts';
import { type CreditContext, getLine, logEvent } from './lines.ts';
import { createPlan, type Plan, planById } from './plans.ts';
import { partsTotal, type StatementParts, unpaidParts } from './repayment.ts';

/**
 * Statements (docs/credit.md, "Statements" and "Penalty interest"). On a line's statement day the
 * day-close bills onto a new statement the next instalment of every active plan and the daily
 * interest accrued; what a statement still owes is its four ledger accounts, the row holds what was
 * billed, the minimum payment and the due date. After the due date the unpaid principal, fees and
 * interest bear penalty interest each day.
 */

/** The plan kinds whose instalment charge is a fee (recognised when billed); a draw's is interest. */
const FEE_PLANS = new Set(['purchase', 'instalment_purchase', 'statement_instalments']);

/** round_half_up(rate × billed principal) + fees + interest billed + carried (model, "Statements"). */
export function minimumPayment(
  rate: string,
  billed: { principal: bigint; fees: bigint; interest: bigint },
  carried: bigint,
): bigint {
  const share = roundToInteger(new Decimal(billed.principal.toString()).times(rate), 'half_up');
  return share + billed.fees + billed.interest + carried;
}

/** A line's billing cycle. */
export interface LineBilling {
  readonly statementDay: number;
  readonly graceDays: number;
  readonly autoDebit: boolean;
}

export async function lineBilling(db: Executor, lineId: string): Promise<LineBilling> {
  const rows = await sql<{ statement_day: number; grace_days: number; auto_debit: boolean }>`
    select statement_day, grace_days, auto_debit from credit_lines where id = ${lineId}::uuid`.execute(db);
  const r = rows.rows[0];
  if (!r) throw notFound('line_not_found', 'no such credit line');
  return { statementDay: r.statement_day, graceDays: r.grace_days, autoDebit: r.auto_debit };
}

/** The next statement date on or after `today` not yet drawn up, and its due date. */
export async function nextStatement(
  db: Executor,
  lineId: string,
  billing: LineBilling,
  today: PlainDate,
): Promise<{ date: PlainDate; dueOn: PlainDate }> {
  const { year, month } = dateParts(today);
  let date = fromParts(year, month, billing.statementDay);
  const drawn = await sql<{ n: number }>`select count(*)::int as n from credit_statements
    where line_id = ${lineId}::uuid and statement_date = ${date}`.execute(db);
  if (date < today || drawn.rows[0]!.n > 0) date = addMonths(date, 1);
  return { date, dueOn: addDays(date, billing.graceDays) };
}

interface DueLine {
  id: string;
  opened_on: PlainDate;
  grace_days: number;
  product_id: string;
  product_version: number;
}

/**
 * The statement step's chunk: every active or frozen line of the chunk whose statement day is the
 * date's day of the month and that has no statement for it yet (the unique (line, date) makes a run
 * again change nothing). Lines are locked for update while their statement is drawn up.
 */
export async function drawUpStatements(
  context: CreditContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
): Promise<number> {
  await ensurePlatformAccounts(context.ledger, trx);
  const rows = await sql<DueLine>`
    select id, opened_on::text as opened_on, grace_days, product_id, product_version from credit_lines l
    where status in ('active', 'frozen') and statement_day = ${dateParts(date).day} and opened_on <= ${date}
      and ${keyRange('id', bounds)}
      and not exists (select 1 from credit_statements s where s.line_id = l.id and s.statement_date = ${date})
    order by id for update`.execute(trx);
  let drawn = 0;
  for (const line of rows.rows) if (await drawUpStatement(context, trx, line, date)) drawn += 1;
  return drawn;
}

async function drawUpStatement(
  context: CreditContext,
  trx: Executor,
  line: DueLine,
  date: PlainDate,
): Promise<boolean> {
  const lineId = line.id;
  // Lines granted before billing existed lack their unbilled account.
  await createLineAccounts(context.ledger, trx, lineId);
  const previous = await sql<{ last: PlainDate | null }>`select max(statement_date)::text as last
    from credit_statements where line_id = ${lineId}::uuid and statement_date < ${date}`.execute(trx);
  const last = previous.rows[0]?.last ?? null;
  const periodStart = last ? addDays(last, 1) : line.opened_on;

  // The next unbilled instalment of every active plan made on or before the date; a cash draw's only
  // once this statement's due date reaches the instalment's own due date in the draw's schedule.
  const instalments = await sql<{
    plan_id: string;
    kind: string;
    seq: number;
    principal: bigint;
    charge: bigint;
  }>`select p.id as plan_id, p.kind, i.seq, i.principal, i.charge from credit_plans p
    join lateral (select seq, principal, charge, due_on from credit_plan_instalments i
                  where i.plan_id = p.id and i.statement_id is null and not i.cancelled
                  order by seq limit 1) i on true
    where p.line_id = ${lineId}::uuid and p.status = 'active' and p.created_on <= ${date}
      and (i.due_on is null or i.due_on <= ${addDays(date, line.grace_days)})
    order by p.created_at, p.id for update of p`.execute(trx);

  const open = await sql<{ id: string }>`select id from credit_statements
    where line_id = ${lineId}::uuid and settled_on is null order by statement_date for update`.execute(trx);
  let carried = 0n;
  for (const parts of (
    await unpaidParts(
      context,
      trx,
      open.rows.map((r) => r.id),
    )
  ).values())
    carried += partsTotal(parts);
  const owned = await context.ledger.lookupAccounts(
    [lineAccount.interest(lineId), lineAccount.principal(lineId), lineAccount.unbilled(lineId)],
    { tx: trx },
  );
  const balance = new Map(owned.map((a) => [a.id, a.debitsPosted - a.creditsPosted]));
  const accrued = balance.get(lineAccount.interest(lineId)) ?? 0n;

  const billed = { principal: 0n, fees: 0n, interest: accrued };
  for (const i of instalments.rows) {
    billed.principal += i.principal;
    if (FEE_PLANS.has(i.kind)) billed.fees += i.charge;
    else billed.interest += i.charge;
  }
  const total = billed.principal + billed.fees + billed.interest;
  if (total === 0n && carried === 0n) {
    // A zero statement only for a line that owes something (a cash draw, plans not yet billed).
    const owes =
      (balance.get(lineAccount.principal(lineId)) ?? 0n) + (balance.get(lineAccount.unbilled(lineId)) ?? 0n);
    if (owes === 0n) return false;
  }

  const product = await context.products.version(line.product_id, line.product_version, trx);
  const minPayment = minimumPayment(product.billing.minPaymentRate, billed, carried);
  const dueOn = addDays(date, line.grace_days);
  const id = uuidv7();
  await sql`insert into credit_statements (id, line_id, statement_date, period_start, due_on, billed_principal,
      billed_fees, billed_interest, carried, min_payment, settled_on, created_at)
    values (${id}, ${lineId}::uuid, ${date}, ${periodStart}, ${dueOn}, ${billed.principal}, ${billed.fees},
      ${billed.interest}, ${carried}, ${minPayment}, ${total === 0n ? date : null}, ${context.clock.now()})`.execute(
    trx,
  );
  await createStatementAccounts(context.ledger, trx, id, lineId);
  const transfers: TransferInput[] = [
    transfer(
      statementAccount.interest(id),
      lineAccount.interest(lineId),
      accrued,
      CreditCode.billInterest,
      lineId,
    ),
  ];
  for (const i of instalments.rows) {
    transfers.push(
      transfer(
        statementAccount.principal(id),
        lineAccount.unbilled(lineId),
        i.principal,
        CreditCode.billPrincipal,
        lineId,
      ),
      FEE_PLANS.has(i.kind)
        ? transfer(statementAccount.fees(id), CREDIT_FEE_INCOME_ACCOUNT, i.charge, CreditCode.billFee, lineId)
        : transfer(
            statementAccount.interest(id),
            CREDIT_INTEREST_INCOME_ACCOUNT,
            i.charge,
            CreditCode.billInterest,
            lineId,
          ),
    );
  }
  await post(context.ledger, trx, transfers);
  if (instalments.rows.length > 0) {
    const planIds = instalments.rows.map((i) => i.plan_id);
    const seqs = instalments.rows.map((i) => i.seq);
    await sql`update credit_plan_instalments i set statement_id = ${id}::uuid
      from unnest(${planIds}::uuid[], ${seqs}::int[]) as b(plan_id, seq)
      where i.plan_id = b.plan_id and i.seq = b.seq`.execute(trx);
    // A plan whose every instalment is billed is completed (a refund may still reach its statements).
    await sql`update credit_plans p set status = 'completed' where p.id = any(${planIds}::uuid[])
      and not exists (select 1 from credit_plan_instalments i
                      where i.plan_id = p.id and i.statement_id is null and not i.cancelled)`.execute(trx);
  }
  await logEvent(
    context,
    trx,
    lineId,
    {
      kind: 'statement',
      amount: total,
      details: {
        statementId: id,
        statementDate: date,
        dueOn,
        minPayment: yuanText(minPayment),
      },
    },
    date,
  );
  return true;
}

const yuanText = (minor: bigint) => {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

/**
 * The penalty step's chunk: each unsettled statement of the chunk's lines is settled if it owes
 * nothing more; one past its due date bears a day's penalty interest, round_half_up((unpaid
 * principal + fees + interest) × the product's penalty daily rate), once per date (penalty_through).
 */
export async function accruePenalties(
  context: CreditContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
): Promise<number> {
  await ensurePlatformAccounts(context.ledger, trx);
  const rows = await sql<{
    id: string;
    line_id: string;
    due_on: PlainDate;
    penalty_through: PlainDate | null;
    product_id: string;
    product_version: number;
  }>`select s.id, s.line_id, s.due_on::text as due_on, s.penalty_through::text as penalty_through,
      l.product_id, l.product_version
    from credit_statements s join credit_lines l on l.id = s.line_id
    where s.settled_on is null and ${keyRange('s.line_id', bounds)}
    order by s.line_id, s.statement_date for update of s`.execute(trx);
  if (rows.rows.length === 0) return 0;
  const unpaid = await unpaidParts(
    context,
    trx,
    rows.rows.map((r) => r.id),
  );
  const settled: string[] = [];
  const charged: string[] = [];
  const transfers: TransferInput[] = [];
  for (const s of rows.rows) {
    const parts = unpaid.get(s.id) as StatementParts;
    if (partsTotal(parts) === 0n) {
      settled.push(s.id);
      continue;
    }
    if (s.due_on >= date || (s.penalty_through !== null && s.penalty_through >= date)) continue;
    const product = await context.products.version(s.product_id, s.product_version, trx);
    const base = parts.principal + parts.fees + parts.interest;
    const penalty = roundToInteger(
      new Decimal(base.toString()).times(product.billing.penaltyDailyRate),
      'half_up',
    );
    transfers.push(
      transfer(
        statementAccount.penalty(s.id),
        CREDIT_PENALTY_INCOME_ACCOUNT,
        penalty,
        CreditCode.accruePenalty,
        s.line_id,
      ),
    );
    charged.push(s.id);
  }
  await post(context.ledger, trx, transfers);
  if (settled.length > 0)
    await sql`update credit_statements set settled_on = ${date} where id = any(${settled}::uuid[])`.execute(
      trx,
    );
  if (charged.length > 0)
    await sql`update credit_statements set penalty_through = ${date} where id = any(${charged}::uuid[])`.execute(
      trx,
    );
  return settled.length + charged.length;
}

/** The lines of the chunk that opted in to auto-debit and have a statement due on the date. */
export async function autoDebitLines(trx: Executor, date: PlainDate, bounds: ChunkBounds): Promise<string[]> {
  const rows = await sql<{ id: string }>`select l.id from credit_lines l
    where l.auto_debit and l.status in ('active', 'frozen') and ${keyRange('l.id', bounds)}
      and exists (select 1 from credit_statements s where s.line_id = l.id and s.due_on = ${date})
    order by l.id`.execute(trx);
  return rows.rows.map((r) => r.id);
}

// --- Reading statements -----------------------------------------------------------------------

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

interface StatementRow {
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

const STATEMENT_COLUMNS = sql`id, line_id, statement_date::text as statement_date, period_start::text as period_start,
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

/**
 * A customer's choice of statement day, grace days and auto-debit, within the product's bounds. The
 * cycle does not change while a statement is unsettled (its due date and the next statement's
 * period hang on it): `cycle_change_while_billed`. Auto-debit may be switched at any time.
 */
export function setBilling(
  context: CreditContext,
  customerId: string,
  lineId: string,
  input: {
    statementDay?: number | undefined;
    graceDays?: number | undefined;
    autoDebit?: boolean | undefined;
  },
): Promise<LineBilling> {
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const line = await getLine(trx, lineId, 'update');
    if (line.customerId !== customerId) throw notFound('line_not_found', 'no such credit line');
    if (line.status !== 'active' && line.status !== 'frozen')
      throw ruleViolation('line_not_open', `this credit line is ${line.status}`);
    const { billing: bounds } = await context.products.version(line.productId, line.productVersion, trx);
    const before = await lineBilling(trx, lineId);
    const after: LineBilling = {
      statementDay: input.statementDay ?? before.statementDay,
      graceDays: input.graceDays ?? before.graceDays,
      autoDebit: input.autoDebit ?? before.autoDebit,
    };
    if (after.statementDay < bounds.statementDayMin || after.statementDay > bounds.statementDayMax)
      throw ruleViolation(
        'statement_day_out_of_bounds',
        `the statement day is between ${bounds.statementDayMin} and ${bounds.statementDayMax}`,
        { min: bounds.statementDayMin, max: bounds.statementDayMax },
      );
    if (after.graceDays < bounds.graceDaysMin || after.graceDays > bounds.graceDaysMax)
      throw ruleViolation(
        'grace_days_out_of_bounds',
        `the days from statement to due date are between ${bounds.graceDaysMin} and ${bounds.graceDaysMax}`,
        { min: bounds.graceDaysMin, max: bounds.graceDaysMax },
      );
    const cycleChanged = after.statementDay !== before.statementDay || after.graceDays !== before.graceDays;
    if (cycleChanged) {
      const open = await sql<{ n: number }>`select count(*)::int as n from credit_statements
        where line_id = ${lineId}::uuid and settled_on is null`.execute(trx);
      if (open.rows[0]!.n > 0)
        throw ruleViolation(
          'cycle_change_while_billed',
          'the statement day and due date can change once every statement is paid',
        );
    }
    if (!cycleChanged && after.autoDebit === before.autoDebit) return after;
    await sql`update credit_lines set statement_day = ${after.statementDay}, grace_days = ${after.graceDays},
      auto_debit = ${after.autoDebit}, updated_at = ${context.clock.now()} where id = ${lineId}::uuid`.execute(
      trx,
    );
    await logEvent(context, trx, lineId, { kind: 'billing_changed', details: { before, after } }, today, {
      customerId,
    });
    return after;
  });
}

// --- Converting a statement into instalments (账单分期) ----------------------------------------

/**
 * Before its due date (on it at the latest), once, a statement's unpaid principal X goes back to
 * the line's unbilled account (code convert) as a new plan of `months` instalments at the line's fee
 * for that many months. Its first instalment is billed at once onto the same statement, so that the
 * due date keeps its meaning; the minimum payment is recomputed on what the statement now bills.
 */
export function convertStatement(
  context: CreditContext,
  customerId: string,
  lineId: string,
  statementId: string,
  months: number,
): Promise<{ statement: StatementDetail; plan: Plan }> {
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const line = await getLine(trx, lineId, 'update');
    if (line.customerId !== customerId) throw notFound('line_not_found', 'no such credit line');
    if (line.status === 'frozen')
      throw ruleViolation('line_frozen', 'this credit line is frozen', { reason: line.frozenReason });
    if (line.status !== 'active')
      throw ruleViolation('line_not_active', `this credit line is ${line.status}`);
    const rows = await sql<StatementRow>`select ${STATEMENT_COLUMNS} from credit_statements
      where id = ${statementId}::uuid and line_id = ${lineId}::uuid for update`.execute(trx);
    const s = rows.rows[0];
    if (!s) throw notFound('statement_not_found', 'no such statement');
    if (s.converted_plan_id !== null)
      throw ruleViolation('statement_already_converted', 'a statement is converted into instalments once');
    if (s.settled_on !== null) throw ruleViolation('statement_settled', 'this statement is paid');
    if (today > s.due_on)
      throw ruleViolation('statement_past_due', 'a statement is converted by its due date', {
        dueOn: s.due_on,
      });
    const feeRate = line.feeTable[String(months)];
    if (feeRate === undefined)
      throw ruleViolation('instalments_not_offered', `this line offers no ${months} instalments`, {
        offered: Object.keys(line.feeTable),
      });
    const parts = (await unpaidParts(context, trx, [s.id])).get(s.id)!;
    const principal = parts.principal;
    if (principal < BigInt(months))
      throw ruleViolation(
        'nothing_to_convert',
        'the statement has too little principal unpaid to convert into instalments',
        { principal: yuanText(principal) },
      );
    await createLineAccounts(context.ledger, trx, lineId);
    await post(context.ledger, trx, [
      transfer(
        lineAccount.unbilled(lineId),
        statementAccount.principal(s.id),
        principal,
        CreditCode.convert,
        lineId,
      ),
    ]);
    const plan = await createPlan(context, trx, {
      lineId,
      kind: 'statement_instalments',
      principal,
      instalments: months,
      feeRate,
      statementId: s.id,
      createdOn: today,
    });
    const first = plan.schedule[0]!;
    await post(context.ledger, trx, [
      transfer(
        statementAccount.principal(s.id),
        lineAccount.unbilled(lineId),
        first.principal,
        CreditCode.billPrincipal,
        lineId,
      ),
      transfer(
        statementAccount.fees(s.id),
        CREDIT_FEE_INCOME_ACCOUNT,
        first.charge,
        CreditCode.billFee,
        lineId,
      ),
    ]);
    await sql`update credit_plan_instalments set statement_id = ${s.id}::uuid
      where plan_id = ${plan.id}::uuid and seq = 1`.execute(trx);
    const billed = {
      principal: s.billed_principal - principal + first.principal,
      fees: s.billed_fees + first.charge,
      interest: s.billed_interest,
    };
    const product = await context.products.version(line.productId, line.productVersion, trx);
    const minPayment = minimumPayment(product.billing.minPaymentRate, billed, s.carried);
    await sql`update credit_statements set billed_principal = ${billed.principal}, billed_fees = ${billed.fees},
      min_payment = ${minPayment}, converted_plan_id = ${plan.id}::uuid where id = ${s.id}::uuid`.execute(
      trx,
    );
    await logEvent(
      context,
      trx,
      lineId,
      {
        kind: 'statement_converted',
        amount: principal,
        details: { statementId: s.id, planId: plan.id, months, fee: yuanText(plan.charge) },
      },
      today,
      { customerId },
    );
    const billedPlan = await planById(trx, plan.id);
    return { statement: await statementOf(context, lineId, s.id, today, trx), plan: billedPlan ?? plan };
  });
}
