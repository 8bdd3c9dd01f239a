import { businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import {
  CNY,
  Decimal,
  DomainError,
  formatAmount,
  invalid,
  notFound,
  type PlainDate,
  ruleViolation,
} from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { buildSchedule, REPAYMENT_METHODS, type RepaymentMethod } from '../lending/index.ts';
import {
  CreditCode,
  createLineAccounts,
  type LineBalances,
  lineAccount,
  lineBalances,
  post,
  transfer,
} from './accounts.ts';
import { annualOfDaily } from './apr.ts';
import { type CreditContext, getLine, type Line, logEvent } from './lines.ts';
import { createPlan, type Plan } from './plans.ts';
import type { BillingConfig } from './products.ts';

/**
 * Cash draws of a line's daily-interest loan. A draw moves credit from available to used and pays
 * the principal into the customer's wallet, in one transaction with its record; the ledger refuses
 * it beyond what is available. Repayment is repayment.ts's waterfall.
 */
const yuan = (minor: bigint) => formatAmount(minor, CNY);

/** The line of this customer, locked as asked; another customer's line is not found (not forbidden). */
export async function lineOf(
  trx: Executor,
  lineId: string,
  customerId: string,
  lock?: 'update' | 'share',
): Promise<Line> {
  const line = await getLine(trx, lineId, lock);
  if (line.customerId !== customerId) throw notFound('line_not_found', 'no such credit line');
  return line;
}

export function checkUsable(line: Line): void {
  if (line.status === 'frozen')
    throw ruleViolation('line_frozen', 'this credit line is frozen', { reason: line.frozenReason });
  if (line.status !== 'active') throw ruleViolation('line_not_active', `this credit line is ${line.status}`);
}

export interface DrawResult {
  readonly lineId: string;
  readonly amount: bigint;
  readonly businessDate: PlainDate;
  readonly balances: LineBalances;
  /** A draw repaid in instalments: its plan (principal and interest per month); null for daily interest. */
  readonly plan: Plan | null;
}

/** A cash draw repaid as an instalment loan: months and lending's schedule method. */
export interface DrawRepayment {
  readonly months: number;
  readonly method: string;
}

/**
 * A cash draw into the wallet. Without `repayment` it is a daily-interest loan (line principal);
 * with it, an instalment loan by lending's schedule (the line's daily rate × 365 a year), its
 * principal unbilled until each instalment is billed on a statement with its interest.
 */
export async function draw(
  context: CreditContext,
  customerId: string,
  lineId: string,
  amount: bigint,
  repayment?: DrawRepayment,
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
    const schedule = repayment ? drawSchedule(line, product.billing, amount, repayment, today) : null;
    const wallet = await context.payments.walletAccount(trx, customerId);
    if (schedule) await ensureUnbilledAccount(context.ledger, trx, lineId);
    // The limit first: the ledger refuses it beyond available credit (exceeds_available_credit), and
    // the whole transaction with it, so a refused draw changes nothing.
    const owed = schedule ? lineAccount.unbilled(lineId) : lineAccount.principal(lineId);
    await post(context.ledger, trx, [
      transfer(lineAccount.available(lineId), lineAccount.used(lineId), amount, CreditCode.drawLimit, lineId),
      transfer(owed, wallet, amount, CreditCode.draw, lineId),
    ]);
    const plan =
      schedule && repayment
        ? await createPlan(context, trx, {
            lineId,
            kind: 'draw_instalments',
            principal: amount,
            createdOn: today,
            schedule: schedule.installments.map((i) => ({
              principal: i.principal,
              charge: i.interest,
              dueOn: i.dueDate,
            })),
            repaymentMethod: repayment.method,
            annualRate: annualOfDaily(line.dailyRate!),
          })
        : null;
    await logEvent(
      context,
      trx,
      lineId,
      {
        kind: 'draw',
        amount,
        ...(repayment && plan
          ? {
              details: {
                months: repayment.months,
                method: repayment.method,
                interest: yuan(plan.charge),
                planId: plan.id,
              },
            }
          : {}),
      },
      today,
      { customerId },
    );
    return {
      lineId,
      amount,
      businessDate: today,
      balances: await lineBalances(context.ledger, lineId, trx),
      plan,
    };
  });
}

/** The instalment loan's schedule: the product's counts and methods, lending's schedule, annual = daily × 365. */
function drawSchedule(
  line: Line,
  billing: BillingConfig,
  amount: bigint,
  repayment: DrawRepayment,
  today: PlainDate,
) {
  if (!billing.drawInstalments.includes(repayment.months))
    throw ruleViolation(
      'instalments_not_offered',
      `a draw is not repaid in ${repayment.months} instalments here`,
      {
        offered: billing.drawInstalments,
      },
    );
  if (
    !billing.drawMethods.includes(repayment.method) ||
    !(REPAYMENT_METHODS as readonly string[]).includes(repayment.method)
  )
    throw ruleViolation('repayment_method_not_offered', `a draw is not repaid by ${repayment.method} here`, {
      offered: billing.drawMethods,
    });
  if (line.dailyRate === null) throw ruleViolation('line_not_active', 'this credit line has no rate');
  return buildSchedule({
    principal: amount,
    annualRate: new Decimal(line.dailyRate).times(365),
    termMonths: repayment.months,
    method: repayment.method as RepaymentMethod,
    dayCount: 'actual/365',
    startDate: today,
    rounding: 'half_up',
    currency: CNY,
  });
}

/** Lines granted before billing existed lack their unbilled account; it is made on first use. */
export async function ensureUnbilledAccount(ledger: Ledger, trx: Executor, lineId: string): Promise<void> {
  const [found] = await ledger.lookupAccounts([lineAccount.unbilled(lineId)], { tx: trx });
  if (!found) await createLineAccounts(ledger, trx, lineId);
}

export interface DrawToCardResult extends DrawResult {
  /** Where the money went: the wallet, or on to the card (a withdrawal started from the wallet). */
  readonly destination: 'wallet' | 'card';
  readonly withdrawal:
    | { readonly started: true; readonly orderId: string; readonly status: string; readonly fee: bigint }
    | { readonly started: false; readonly code: string; readonly message: string }
    | null;
}

/**
 * A draw, then, when a bound card is named, a withdrawal of it from the wallet to the card through
 * payments' withdrawal (its payment password, fee, daily limit and channel). The card and the
 * password are checked before the draw, so that a wrong one draws nothing; anything that stops the
 * withdrawal after the draw committed leaves the money in the wallet, and the answer says so.
 */
export async function drawToWalletOrCard(
  context: CreditContext,
  customerId: string,
  lineId: string,
  input: { amount: bigint; repayment?: DrawRepayment; cardId?: string; paymentPassword?: string },
): Promise<DrawToCardResult> {
  if (input.cardId !== undefined) {
    if (input.paymentPassword === undefined)
      throw ruleViolation('payment_password_required', 'a draw to a card needs your payment password');
    await lineOf(context.db, lineId, customerId);
    await context.identity.kyc.cardForPayment(customerId, input.cardId);
    await context.identity.kyc.checkPaymentPassword(customerId, input.paymentPassword);
  }
  const result = await draw(context, customerId, lineId, input.amount, input.repayment);
  if (input.cardId === undefined) return { ...result, destination: 'wallet', withdrawal: null };
  try {
    const order = await context.payments.withdraw(customerId, {
      amount: input.amount,
      cardId: input.cardId,
      paymentPassword: input.paymentPassword!,
    });
    return {
      ...result,
      destination: order.status === 'failed' ? 'wallet' : 'card',
      withdrawal: { started: true, orderId: order.id, status: order.status, fee: order.fee },
    };
  } catch (error) {
    // The draw has committed: whatever stops the withdrawal leaves the money in the wallet.
    const domain = error instanceof DomainError;
    return {
      ...result,
      destination: 'wallet',
      withdrawal: {
        started: false,
        code: domain ? error.code : 'withdrawal_not_started',
        message: domain ? error.message : 'the withdrawal could not be started; the money is in your wallet',
      },
    };
  }
}
