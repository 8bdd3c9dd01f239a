import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { assert, CNY, formatAmount, notFound, ruleViolation } from '../kernel/index.ts';
import type {
  AssignedLoanClosed,
  CreditDrawHooks,
  DebtTakeover,
  DrawDisbursed,
  Lending,
  RepaymentMethod,
} from '../lending/index.ts';
import {
  CREDIT_FUNDING_ACCOUNT,
  CreditCode,
  createLineAccounts,
  ensurePlatformAccounts,
  lineAccount,
  post,
  transfer,
} from './accounts.ts';
import { checkUsable } from './draws.ts';
import { type CreditContext, getLine, logEvent } from './lines.ts';
import { type Plan, planById } from './plans.ts';

/**
 * Funding by marketplace investors (issue 17, "Funding"): staff assign a cash draw's instalment
 * plan, on a product that allows it, to lending, which lists it as an ordinary loan. The customer
 * already has the money: when investors have funded it, the loan's principal receivable takes over
 * the customer's debt from the line's unbilled account (one posting, in lending's disbursement),
 * the plan's instalments are cancelled and the customer repays the loan through lending. The line
 * keeps that principal as used until lending closes the loan (repaid or written off). A listing that
 * fails gives the plan back to the line, billed as before. docs/credit.md, "Assigning a draw to the
 * marketplace".
 */

/** The lending product an assigned draw is listed under (its listing days, bids, servicing, reserve). */
export const ASSIGNED_DRAW_PRODUCT = 'personal';

const yuan = (minor: bigint) => formatAmount(minor, CNY);

async function lineIdOfPlan(db: Executor, planId: string): Promise<string> {
  const rows = await sql<{
    line_id: string;
  }>`select line_id from credit_plans where id = ${planId}::uuid`.execute(db);
  const row = rows.rows[0];
  if (!row) throw notFound('plan_not_found', 'no such plan');
  return row.line_id;
}

export interface AssignResult {
  readonly plan: Plan;
  readonly loanId: string;
}

/**
 * Lists a draw's instalment plan with lending, in one transaction with the plan's new status and the
 * line's audited event; then auto-investors are served (which may fill and disburse the listing).
 * Refusals (nothing written): `plan_not_found`, `plan_not_assignable` (not an instalment draw),
 * `plan_not_active`, `plan_already_billed`, `product_not_assignable`, `line_frozen`,
 * `line_not_active`, and lending's own (`amount_out_of_range`, `term_not_offered`,
 * `method_not_offered`, `grade_not_offered_by_product`).
 */
export async function assignPlan(
  context: CreditContext,
  lending: Lending,
  planId: string,
  audit: AuditContext,
): Promise<AssignResult> {
  const loanId = await inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const lineId = await lineIdOfPlan(trx, planId);
    // The line first, as the statement step locks it, then the plan.
    const line = await getLine(trx, lineId, 'update');
    const plan = (await planById(trx, planId, 'update'))!;
    if (plan.kind !== 'draw_instalments')
      throw ruleViolation('plan_not_assignable', 'only a cash draw repaid in instalments can be assigned');
    if (plan.status !== 'active') throw ruleViolation('plan_not_active', `this plan is ${plan.status}`);
    if (plan.schedule.some((i) => i.statementId !== null || i.cancelled))
      throw ruleViolation('plan_already_billed', 'a statement has billed this plan already');
    checkUsable(line);
    // Whether the platform funds draws with investors is today's treasury decision, not a term of
    // the line: the product's current version says so (as its funding cost rate).
    const product = await context.products.current(line.productId, trx);
    if (!product.billing.assignable)
      throw ruleViolation('product_not_assignable', 'this line product does not assign draws to investors');
    assert(plan.repaymentMethod && plan.annualRate && line.grade, 'an instalment draw has its terms');
    const loan = await lending.listAssignedDraw(trx, {
      planId,
      decisionId: line.decisionId,
      borrowerId: line.customerId,
      productId: ASSIGNED_DRAW_PRODUCT,
      amount: plan.principal,
      term: plan.instalments,
      method: plan.repaymentMethod as RepaymentMethod,
      annualRate: plan.annualRate,
      grade: line.grade,
    });
    await sql`update credit_plans set status = 'listing', loan_id = ${loan}::uuid where id = ${planId}::uuid`.execute(
      trx,
    );
    await logEvent(
      context,
      trx,
      lineId,
      { kind: 'assignment_listed', amount: plan.principal, details: { planId, loanId: loan } },
      today,
      audit,
    );
    return loan;
  });
  await lending.runAutoInvest(loanId);
  return { plan: (await planById(context.db, planId))!, loanId };
}

/** The plan a lending hook is about, locked; it must be listed as (or assigned to) that loan. */
async function lockedPlan(trx: Executor, planId: string, loanId: string) {
  const rows = await sql<{ line_id: string; status: string; principal: bigint; loan_id: string | null }>`
    select line_id, status, principal, loan_id from credit_plans where id = ${planId}::uuid for update`.execute(
    trx,
  );
  const plan = rows.rows[0];
  assert(plan && plan.loan_id === loanId, `plan ${planId} is not listed as loan ${loanId}`);
  return plan;
}

/**
 * At disbursement, in lending's transaction (the loan locked first, then the line shared, then the
 * plan): the plan is assigned, its instalments cancelled, and lending is told to credit the line's
 * unbilled account with the loan's principal; the reserve contribution comes out of the platform's
 * credit funding, which the investors' money has just replaced.
 */
async function disbursed(context: CreditContext, trx: Executor, event: DrawDisbursed): Promise<DebtTakeover> {
  const lineId = await lineIdOfPlan(trx, event.planId);
  await getLine(trx, lineId, 'share');
  const plan = await lockedPlan(trx, event.planId, event.loanId);
  assert(plan.status === 'listing', `plan ${event.planId} is ${plan.status}, not listing`);
  assert(plan.principal === event.amount, `plan ${event.planId} is not disbursed in full`);
  await createLineAccounts(context.ledger, trx, lineId);
  await ensurePlatformAccounts(context.ledger, trx);
  await sql`update credit_plans set status = 'assigned' where id = ${event.planId}::uuid`.execute(trx);
  await sql`update credit_plan_instalments set cancelled = true
    where plan_id = ${event.planId}::uuid and statement_id is null`.execute(trx);
  await logEvent(
    context,
    trx,
    lineId,
    { kind: 'assigned', amount: event.amount, details: { planId: event.planId, loanId: event.loanId } },
    event.on,
  );
  return { debtAccountId: lineAccount.unbilled(lineId), contributionAccountId: CREDIT_FUNDING_ACCOUNT };
}

/** A listing that failed (expired unfilled, rejected at second review): the plan is billed again. */
async function failed(
  context: CreditContext,
  trx: Executor,
  event: { loanId: string; planId: string; on: DrawDisbursed['on'] },
): Promise<void> {
  const plan = await lockedPlan(trx, event.planId, event.loanId);
  if (plan.status !== 'listing') return;
  await sql`update credit_plans set status = 'active', loan_id = null where id = ${event.planId}::uuid`.execute(
    trx,
  );
  await logEvent(
    context,
    trx,
    plan.line_id,
    {
      kind: 'assignment_failed',
      amount: plan.principal,
      details: { planId: event.planId, loanId: event.loanId },
    },
    event.on,
  );
}

/**
 * The assigned loan is closed. Repaid, the line gets its credit back (used → available, less what an
 * ended raise still takes off the limit; on a closed line, used → limit). Written off, the credit
 * comes off the limit (used → limit) and the line is frozen (frozen_by 'review').
 */
async function closed(context: CreditContext, trx: Executor, event: AssignedLoanClosed): Promise<void> {
  // The line locked as a repayment locks it (its reduction due and its status, a closed line's limit,
  // are read and changed here), then the plan, as assignment does.
  const lineId = await lineIdOfPlan(trx, event.planId);
  const line = await getLine(trx, lineId, 'update');
  const plan = await lockedPlan(trx, event.planId, event.loanId);
  if (plan.status !== 'assigned') return;
  const amount = plan.principal;
  // Written off, the credit is not given back: it comes off the limit, and the line is frozen until
  // staff decide (a cure of the line's own statements does not lift it).
  const writtenOff = event.status !== 'repaid';
  const reduce =
    line.status === 'closed' || writtenOff ? amount : amount < line.reductionDue ? amount : line.reductionDue;
  await post(context.ledger, trx, [
    transfer(
      lineAccount.used(lineId),
      lineAccount.available(lineId),
      amount - reduce,
      CreditCode.restoreLimit,
      lineId,
    ),
    transfer(lineAccount.used(lineId), lineAccount.limit(lineId), reduce, CreditCode.lower, lineId),
  ]);
  if (writtenOff && (line.status === 'active' || line.status === 'frozen'))
    await sql`update credit_lines set status = 'frozen', frozen_by = 'review',
        frozen_reason = 'a loan drawn from this line was written off', updated_at = ${context.clock.now()}
      where id = ${lineId}::uuid`.execute(trx);
  else if (reduce > 0n && line.status !== 'closed')
    await sql`update credit_lines set reduction_due = reduction_due - ${reduce}, updated_at = ${context.clock.now()}
      where id = ${lineId}::uuid`.execute(trx);
  await sql`update credit_plans set status = 'completed' where id = ${event.planId}::uuid`.execute(trx);
  await logEvent(
    context,
    trx,
    lineId,
    {
      kind: event.status === 'repaid' ? 'assigned_loan_repaid' : 'assigned_loan_written_off',
      amount,
      details: { planId: event.planId, loanId: event.loanId, restored: yuan(amount - reduce) },
    },
    event.on,
  );
}

/** Credit's hooks on lending (registered once, by Credit.connectLending). */
export function assignmentHooks(context: CreditContext): CreditDrawHooks {
  return {
    disbursed: (trx, event) => disbursed(context, trx, event),
    failed: (trx, event) => failed(context, trx, event),
    closed: (trx, event) => closed(context, trx, event),
  };
}
