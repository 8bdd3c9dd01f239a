import { sql } from 'kysely';
import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import {
  CNY,
  formatAmount,
  invalid,
  notFound,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import type { TransferInput } from '../ledger/index.ts';
import { CreditCode, CURRENCY, type LineBalances, lineAccount, lineBalances, post } from './accounts.ts';
import { type CreditContext, getLine, type Line, logEvent } from './lines.ts';

/**
 * Cash draws and repayments of a line's daily-interest loan. A draw moves credit from available to
 * used and pays the principal into the customer's wallet, in one transaction with its record; the
 * ledger refuses it beyond what is available. A repayment of any amount pays accrued interest first,
 * then principal, and principal repaid gives the credit back.
 */
const yuan = (minor: bigint) => formatAmount(minor, CNY);

function transfer(
  debit: string,
  credit: string,
  amount: bigint,
  code: number,
  lineId: string,
): TransferInput {
  return {
    id: `credit:${uuidv7()}`,
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    ledger: CURRENCY,
    code,
    userData: lineId,
  };
}

/** The line of this customer, locked as asked; another customer's line is not found (not forbidden). */
async function lineOf(
  trx: Executor,
  lineId: string,
  customerId: string,
  lock: 'update' | 'share',
): Promise<Line> {
  const line = await getLine(trx, lineId, lock);
  if (line.customerId !== customerId) throw notFound('line_not_found', 'no such credit line');
  return line;
}

function checkUsable(line: Line): void {
  if (line.status === 'frozen')
    throw ruleViolation('line_frozen', 'this credit line is frozen', { reason: line.frozenReason });
  if (line.status !== 'active') throw ruleViolation('line_not_active', `this credit line is ${line.status}`);
}

export interface DrawResult {
  readonly lineId: string;
  readonly amount: bigint;
  readonly businessDate: PlainDate;
  readonly balances: LineBalances;
}

export async function draw(
  context: CreditContext,
  customerId: string,
  lineId: string,
  amount: bigint,
): Promise<DrawResult> {
  if (amount <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const line = await lineOf(trx, lineId, customerId, 'share');
    checkUsable(line);
    const product = await context.products.version(line.productId, line.productVersion, trx);
    if (amount < product.minDraw)
      throw ruleViolation('draw_below_minimum', `the smallest draw is ${yuan(product.minDraw)}`, {
        min: yuan(product.minDraw),
      });
    const wallet = await context.payments.walletAccount(trx, customerId);
    // The limit first: the ledger refuses it beyond available credit (exceeds_available_credit), and
    // the whole transaction with it, so a refused draw changes nothing.
    await post(context.ledger, trx, [
      transfer(lineAccount.available(lineId), lineAccount.used(lineId), amount, CreditCode.drawLimit, lineId),
      transfer(lineAccount.principal(lineId), wallet, amount, CreditCode.draw, lineId),
    ]);
    await logEvent(context, trx, lineId, { kind: 'draw', amount }, today);
    return { lineId, amount, businessDate: today, balances: await lineBalances(context.ledger, lineId, trx) };
  });
}

export interface RepaymentResult {
  readonly lineId: string;
  readonly amount: bigint;
  readonly interest: bigint;
  readonly principal: bigint;
  readonly businessDate: PlainDate;
  readonly balances: LineBalances;
}

export async function repay(
  context: CreditContext,
  customerId: string,
  lineId: string,
  amount: bigint,
): Promise<RepaymentResult> {
  if (amount <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    const line = await lineOf(trx, lineId, customerId, 'update');
    const owed = await lineBalances(context.ledger, lineId, trx);
    const total = owed.interest + owed.principal;
    if (amount > total)
      throw ruleViolation('repayment_exceeds_debt', `the line owes ${yuan(total)}`, { owed: yuan(total) });
    const interest = amount < owed.interest ? amount : owed.interest;
    const principal = amount - interest;
    // Principal repaid gives credit back, except what a temporary raise that ended in use still has
    // to take off the limit.
    const reduce = principal < line.reductionDue ? principal : line.reductionDue;
    const wallet = await context.payments.walletAccount(trx, customerId, { lock: true });
    await post(context.ledger, trx, [
      transfer(wallet, lineAccount.interest(lineId), interest, CreditCode.repayInterest, lineId),
      transfer(wallet, lineAccount.principal(lineId), principal, CreditCode.repayPrincipal, lineId),
      transfer(
        lineAccount.used(lineId),
        lineAccount.available(lineId),
        principal - reduce,
        CreditCode.restoreLimit,
        lineId,
      ),
      transfer(lineAccount.used(lineId), lineAccount.limit(lineId), reduce, CreditCode.lower, lineId),
    ]);
    if (reduce > 0n)
      await sql`update credit_lines set reduction_due = reduction_due - ${reduce}, updated_at = ${context.clock.now()}
        where id = ${lineId}::uuid`.execute(trx);
    await logEvent(
      context,
      trx,
      lineId,
      {
        kind: 'repayment',
        amount,
        // Shown to the customer beside the amount: in yuan, as the amount is.
        details: { interest: formatAmount(interest, CNY), principal: formatAmount(principal, CNY) },
      },
      today,
    );
    return {
      lineId,
      amount,
      interest,
      principal,
      businessDate: today,
      balances: await lineBalances(context.ledger, lineId, trx),
    };
  });
}
