import { businessDateIn } from '../batch/index.ts';
import { inTransaction } from '../db/index.ts';
import { applyRate, CNY, Decimal, formatAmount, type PlainDate, ruleViolation } from '../kernel/index.ts';
import type { Order } from '../payments/index.ts';
import { CreditCode, lineAccount, MERCHANT_DISCOUNT_INCOME_ACCOUNT, post, transfer } from './accounts.ts';
import { instalmentApr } from './apr.ts';
import { checkUsable, ensureUnbilledAccount, lineOf } from './draws.ts';
import { type CreditContext, type Line, logEvent } from './lines.ts';
import { createPlan, type Plan, planFee, splitInstalments } from './plans.ts';
import { lineBilling, nextStatement } from './statements.ts';

/**
 * Pay later at a merchant's checkout: the payer chooses to pay an order with their line, in full by
 * the next statement's due date without a fee, or in n monthly instalments at the line's fee. The
 * line pays the merchant at once, less the merchant discount; the purchase's principal waits in the
 * line's unbilled account until each instalment is billed. A merchant's refund restores the line.
 */
const yuan = (minor: bigint) => formatAmount(minor, CNY);
const _min = (a: bigint, b: bigint) => (a < b ? a : b);

export interface PurchaseOption {
  readonly instalments: number;
  readonly fee: bigint;
  readonly feeRate: string;
  readonly total: bigint;
  readonly first: { principal: bigint; fee: bigint };
  readonly rest: { principal: bigint; fee: bigint } | null;
  /** The APR by IRR of the line's fee for this count (null: paid in full, no cost). */
  readonly apr: string | null;
  readonly firstDueOn: PlainDate;
}

/** The fee share of n instalments on this line; 1 is paying in full, free. */
function feeRateOf(line: Line, instalments: number): string {
  if (instalments === 1) return '0';
  const rate = line.feeTable[String(instalments)];
  if (rate === undefined)
    throw ruleViolation('instalments_not_offered', `this line does not offer ${instalments} instalments`, {
      offered: [1, ...offeredCounts(line)],
    });
  return rate;
}

const offeredCounts = (line: Line) =>
  Object.keys(line.feeTable)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 1)
    .sort((a, b) => a - b);

function checkSplittable(amount: bigint, instalments: number): void {
  if (amount < BigInt(instalments))
    throw ruleViolation(
      'amount_too_small_for_instalments',
      `${yuan(amount)} cannot be paid in ${instalments} instalments`,
    );
}

/** The options shown before the payer confirms: each count's fee, instalments, APR and first due date. */
export async function purchaseOptions(
  context: CreditContext,
  customerId: string,
  lineId: string,
  amount: bigint,
): Promise<PurchaseOption[]> {
  const line = await lineOf(context.db, lineId, customerId);
  checkUsable(line);
  const today = context.clock.businessDate();
  const first = await nextStatement(context.db, lineId, await lineBilling(context.db, lineId), today);
  return [1, ...offeredCounts(line)]
    .filter((n) => amount >= BigInt(n))
    .map((n) => {
      const feeRate = feeRateOf(line, n);
      const fee = planFee(amount, feeRate);
      const parts = splitInstalments(amount, fee, n);
      return {
        instalments: n,
        fee,
        feeRate,
        total: amount + fee,
        first: { principal: parts[0]!.principal, fee: parts[0]!.charge },
        rest: n > 1 ? { principal: parts[1]!.principal, fee: parts[1]!.charge } : null,
        apr: n > 1 ? instalmentApr(n, feeRate, today) : null,
        firstDueOn: first.dueOn,
      };
    });
}

export interface PurchaseResult {
  readonly plan: Plan;
  readonly order: Order;
  readonly merchantName: string;
}

/**
 * Pays a merchant's order with the line. Checked before the transaction: the line is the customer's
 * and usable, the count offered, the order and the payment password as paying from the wallet. In one
 * transaction: the order locked payable, the line shared (purchases on one line run side by side and
 * the ledger keeps them within the limit), available → used, the merchant paid less the discount out
 * of unbilled, the plan, the order succeeded with method credit, the line's event. A refusal at any
 * point leaves everything as it was: the order still payable, nothing drawn.
 */
export async function purchase(
  context: CreditContext,
  customerId: string,
  lineId: string,
  input: { orderId: string; instalments: number; paymentPassword?: string | undefined },
): Promise<PurchaseResult> {
  const seen = await lineOf(context.db, lineId, customerId);
  checkUsable(seen);
  feeRateOf(seen, input.instalments);
  const checked = await context.payments.checkCreditPayment(customerId, input.orderId, {
    paymentPassword: input.paymentPassword,
  });
  return inTransaction(context.db, async (trx) => {
    const today = await businessDateIn(trx, context.clock);
    // The order first (as a refund does), then the line: one order of locks for both.
    const checkout = await context.payments.lockForCredit(
      trx,
      customerId,
      input.orderId,
      checked.passwordFree,
    );
    const line = await lineOf(trx, lineId, customerId, 'share');
    checkUsable(line);
    const amount = checkout.order.amount;
    const feeRate = feeRateOf(line, input.instalments);
    checkSplittable(amount, input.instalments);
    const discount = applyRate(amount, new Decimal(checkout.merchant.discountRate), 'half_up');
    await ensureUnbilledAccount(context.ledger, trx, lineId);
    await post(context.ledger, trx, [
      transfer(lineAccount.available(lineId), lineAccount.used(lineId), amount, CreditCode.drawLimit, lineId),
      transfer(
        lineAccount.unbilled(lineId),
        checkout.merchant.accountId,
        amount - discount,
        CreditCode.purchase,
        lineId,
      ),
      transfer(
        lineAccount.unbilled(lineId),
        MERCHANT_DISCOUNT_INCOME_ACCOUNT,
        discount,
        CreditCode.merchantDiscount,
        lineId,
      ),
    ]);
    const plan = await createPlan(context, trx, {
      lineId,
      kind: input.instalments === 1 ? 'purchase' : 'instalment_purchase',
      principal: amount,
      instalments: input.instalments,
      feeRate,
      orderId: checkout.order.id,
      merchantId: checkout.merchant.id,
      merchantName: checkout.merchant.name,
      merchantDiscount: discount,
      createdOn: today,
    });
    const order = await context.payments.markPaidWithCredit(trx, checkout, customerId);
    await logEvent(
      context,
      trx,
      lineId,
      {
        kind: 'purchase',
        amount,
        details: {
          merchant: checkout.merchant.name,
          instalments: input.instalments,
          fee: yuan(plan.charge),
          orderId: order.id,
          planId: plan.id,
        },
      },
      today,
      { customerId },
    );
    return { plan, order, merchantName: checkout.merchant.name };
  });
}
