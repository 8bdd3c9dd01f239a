import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { inTransaction } from '../db/index.ts';
import { CNY, formatAmount, notFound, ruleViolation } from '../kernel/index.ts';
import {
  CREDIT_FEE_INCOME_ACCOUNT,
  CreditCode,
  createLineAccounts,
  lineAccount,
  post,
  statementAccount,
  transfer,
} from './accounts.ts';
import { type CreditContext, getLine, logEvent } from './lines.ts';
import { createPlan, type Plan, planById } from './plans.ts';
import { unpaidParts } from './repayment.ts';
import { STATEMENT_COLUMNS, type StatementDetail, type StatementRow, statementOf } from './statement-view.ts';
import { minimumPayment } from './statements.ts';

/** Converting a statement into instalments (账单分期; docs/credit.md, "Converting a statement"). */
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
        { principal: formatAmount(principal, CNY) },
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
        details: { statementId: s.id, planId: plan.id, months, fee: formatAmount(plan.charge, CNY) },
      },
      today,
      { customerId },
    );
    const billedPlan = await planById(trx, plan.id);
    return { statement: await statementOf(context, lineId, s.id, today, trx), plan: billedPlan ?? plan };
  });
}
