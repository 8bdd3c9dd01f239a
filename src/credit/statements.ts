import { sql } from 'kysely';
import { businessDateIn, type ChunkBounds, keyRange } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import {
  addDays,
  addMonths,
  CNY,
  Decimal,
  dateParts,
  formatAmount,
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
import { partsTotal, type StatementParts, unpaidParts } from './repayment.ts';

/**
 * Statements (docs/credit.md, "Statements" and "Penalty interest"). On a line's statement day the
 * day-close bills onto a new statement the next instalment of every active plan and the daily
 * interest accrued; what a statement still owes is its four ledger accounts, the row holds what was
 * billed, the minimum payment and the due date. After the due date the unpaid principal, fees and
 * interest bear penalty interest each day.
 */

/** The plan kinds whose instalment charge is a fee (recognised when billed); a draw's is interest. */
export const FEE_PLANS = new Set(['purchase', 'instalment_purchase', 'statement_instalments']);

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
        minPayment: formatAmount(minPayment, CNY),
      },
    },
    date,
  );
  return true;
}

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
