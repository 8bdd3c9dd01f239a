import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import {
  conflict,
  Decimal,
  invalid,
  notFound,
  type PlainDate,
  parseDecimal,
  ruleViolation,
} from '../kernel/index.ts';
import type { PaymentsContext } from './context.ts';
import { getOrder, type Order, updateOrder } from './orders.ts';
import { lockWallet } from './wallet.ts';

/**
 * What consumer credit needs of payments to pay a merchant's order with a credit line, and to route
 * a merchant's refund of such an order back to the line. Payments keeps its rules (the order payable,
 * the payer not the merchant, the payment password and the password-free daily total, as paying from
 * the wallet); credit posts the money (the line pays the merchant) in the same transaction.
 */
export interface CreditMerchant {
  readonly id: string;
  readonly name: string;
  readonly accountId: string;
  /** The merchant discount rate on purchases paid with credit, e.g. "0.006". */
  readonly discountRate: string;
}

export interface CreditCheckout {
  readonly order: Order;
  readonly merchant: CreditMerchant;
  readonly passwordFree: boolean;
}

/** A merchant's refund of an order paid with credit, handed to credit in the refund's transaction. */
export interface CreditRefund {
  /** The refund's own order (kind 'refund', method 'credit'). */
  readonly refundOrderId: string;
  /** The order paid with credit. */
  readonly order: Order;
  readonly amount: bigint;
  /** Refunded before this refund. */
  readonly refundedBefore: bigint;
  readonly merchantAccountId: string;
  readonly businessDate: PlainDate;
}

export type CreditRefundListener = (refund: CreditRefund, trx: Executor) => Promise<void>;

interface MerchantRow {
  id: string;
  owner_user_id: string;
  name: string;
  status: string;
  account_id: string;
  discount_rate: string;
}

const rateText = (text: string) => new Decimal(text).toFixed();

async function merchantRow(db: Executor, id: string): Promise<MerchantRow> {
  const rows = await sql<MerchantRow>`select id, owner_user_id, name, status, account_id,
    discount_rate::text as discount_rate from merchants where id = ${id}::uuid`.execute(db);
  if (!rows.rows[0]) throw notFound('merchant_not_found', 'no such merchant');
  return rows.rows[0];
}

/**
 * Before credit's transaction: the order exists and is a merchant's, the payer is not that merchant,
 * and the payment password is right, or the amount is within the password-free limit.
 */
export async function checkCreditPayment(
  context: PaymentsContext,
  payerId: string,
  orderId: string,
  input: { paymentPassword?: string | undefined },
): Promise<{ order: Order; merchantName: string; passwordFree: boolean }> {
  const order = await getOrder(context.db, orderId);
  if (order?.kind !== 'merchant_payment') throw notFound('order_not_found', 'no such order');
  const merchant = await merchantRow(context.db, order.merchantId!);
  if (merchant.owner_user_id === payerId)
    throw invalid('cannot_pay_own_order', 'a merchant cannot pay their own order');
  const kyc = (await context.identity.kyc.identityFacts(payerId)).kycLevel;
  if (kyc < 1 && order.amount > context.settings.unverifiedPaymentLimit)
    throw ruleViolation('identity_not_verified', 'verify your identity to pay this much');
  const withPassword = input.paymentPassword !== undefined;
  if (withPassword) await context.identity.kyc.checkPaymentPassword(payerId, input.paymentPassword!);
  else if (order.amount > context.settings.passwordFreeLimit)
    throw ruleViolation('payment_password_required', 'this payment needs your payment password');
  return { order, merchantName: merchant.name, passwordFree: !withPassword };
}

/**
 * In credit's transaction: locks the order while it is payable (and, for a password-free payment, the
 * payer's wallet row first, so that the day's password-free total is checked and used one at a time,
 * as paying from the wallet does), and returns it with its merchant.
 */
export async function lockForCredit(
  context: PaymentsContext,
  trx: Executor,
  payerId: string,
  orderId: string,
  passwordFree: boolean,
): Promise<CreditCheckout> {
  if (passwordFree) await lockWallet(context, trx, payerId);
  const order = await getOrder(trx, orderId, { lock: true });
  if (order?.kind !== 'merchant_payment') throw notFound('order_not_found', 'no such order');
  if (order.status === 'awaiting_payment' && order.expiresAt && order.expiresAt <= context.clock.now())
    throw conflict('order_expired', 'this order has expired; ask the merchant for a new one');
  if (order.status !== 'awaiting_payment')
    throw conflict('order_not_payable', `this order is ${order.status}`);
  const merchant = await merchantRow(trx, order.merchantId!);
  if (merchant.owner_user_id === payerId)
    throw invalid('cannot_pay_own_order', 'a merchant cannot pay their own order');
  if (merchant.status !== 'active') throw ruleViolation('merchant_suspended', 'this merchant cannot be paid');
  if (passwordFree) {
    const today = await sql<{ total: string | null }>`
      select sum(amount)::text as total from payment_orders
      where user_id = ${payerId} and password_free and status = 'succeeded' and business_date = ${context.clock.businessDate()}`.execute(
      trx,
    );
    if (BigInt(today.rows[0]?.total ?? '0') + order.amount > context.settings.passwordFreeDailyLimit)
      throw ruleViolation(
        'payment_password_required',
        'today’s password-free total is reached; enter your payment password',
      );
  }
  return {
    order,
    merchant: {
      id: merchant.id,
      name: merchant.name,
      accountId: merchant.account_id,
      discountRate: rateText(merchant.discount_rate),
    },
    passwordFree,
  };
}

/** In credit's transaction, once the line has paid the merchant: the order succeeded, paid with credit. */
export async function markPaidWithCredit(
  context: PaymentsContext,
  trx: Executor,
  checkout: CreditCheckout,
  payerId: string,
): Promise<Order> {
  const now = context.clock.now();
  await updateOrder(
    trx,
    checkout.order.id,
    {
      status: 'succeeded',
      userId: payerId,
      method: 'credit',
      passwordFree: checkout.passwordFree,
      completedAt: now,
    },
    now,
  );
  return (await getOrder(trx, checkout.order.id))!;
}

export interface MerchantTerms {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly discountRate: string;
  readonly createdAt: Date;
}

export async function merchantTerms(context: PaymentsContext, merchantId: string): Promise<MerchantTerms> {
  const rows = await sql<{
    id: string;
    name: string;
    status: string;
    discount_rate: string;
    created_at: Date;
  }>`
    select id, name, status, discount_rate::text as discount_rate, created_at from merchants where id = ${merchantId}::uuid`.execute(
    context.db,
  );
  const row = rows.rows[0];
  if (!row) throw notFound('merchant_not_found', 'no such merchant');
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    discountRate: rateText(row.discount_rate),
    createdAt: row.created_at,
  };
}

/** Staff set a merchant's discount rate on purchases paid with credit (0 ≤ rate < 1, 6 places), audited. */
export async function setDiscountRate(
  context: PaymentsContext,
  merchantId: string,
  rate: string,
  audit: AuditContext,
): Promise<MerchantTerms> {
  const parsed = parseDecimal(rate);
  if (!parsed.ok || parsed.value.gte(1) || parsed.value.decimalPlaces() > 6)
    throw invalid(
      'discount_rate_malformed',
      'a discount rate is a share from 0 to below 1, at most 6 places',
    );
  await inTransaction(context.db, async (trx) => {
    const before = await sql<{
      discount_rate: string;
    }>`select discount_rate::text as discount_rate from merchants
      where id = ${merchantId}::uuid for update`.execute(trx);
    if (!before.rows[0]) throw notFound('merchant_not_found', 'no such merchant');
    await sql`update merchants set discount_rate = ${parsed.value.toFixed()}::numeric where id = ${merchantId}::uuid`.execute(
      trx,
    );
    await context.identity.audit(
      audit,
      {
        action: 'merchant.discount_rate',
        subjectType: 'merchant',
        subjectId: merchantId,
        before: { discountRate: rateText(before.rows[0].discount_rate) },
        after: { discountRate: parsed.value.toFixed() },
      },
      trx,
    );
  });
  return merchantTerms(context, merchantId);
}
