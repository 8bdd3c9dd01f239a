import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { maskPhone } from '../identity/index.ts';
import { assert, conflict, invalid, notFound, ruleViolation, uuidv7 } from '../kernel/index.ts';
import { ChartOfAccounts, TransferFlag } from '../ledger/index.ts';
import {
  CURRENCY,
  channelCashAccountId,
  ensurePlatformAccounts,
  merchantAccountId,
  TransferCode,
} from './accounts.ts';
import { defaultChannel, orderAmount, type PaymentsContext, post } from './context.ts';
import {
  getOrder,
  insertOrder,
  type Order,
  type OrderFilter,
  ordersOfMerchant,
  refundsOf,
  updateOrder,
} from './orders.ts';
import { ensureWallet, lockWallet, submitToChannel } from './wallet.ts';

/**
 * Merchants and QR payments: a merchant creates an order and shows its QR code; a payer pays it from
 * the wallet (with the payment password, or without one for small amounts within a daily total) or
 * from a bound card confirmed by an SMS code (quick pay, through the channel); unpaid orders expire;
 * the merchant refunds in full or in part, never more than was paid.
 */
export interface Merchant {
  readonly id: string;
  readonly ownerUserId: string;
  readonly name: string;
  readonly status: string;
  readonly accountId: string;
  readonly createdAt: Date;
}

const QR_PREFIX = 'netfin:pay:';

export function qrPayload(orderId: string): string {
  return `${QR_PREFIX}${orderId}`;
}

/** The order id in a QR payload: `netfin:pay:<id>`, or a link that ends in /pay/<id>. */
export function orderIdFromPayload(payload: string): string {
  const text = payload.trim();
  const id = text.startsWith(QR_PREFIX)
    ? text.slice(QR_PREFIX.length)
    : /\/pay\/([0-9a-f-]{36})$/.exec(text)?.[1];
  if (!id || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    throw invalid('qr_payload_malformed', 'this is not a netfin payment code');
  }
  return id;
}

export async function becomeMerchant(
  context: PaymentsContext,
  userId: string,
  name: string,
): Promise<Merchant> {
  const trimmed = name.trim();
  if (trimmed.length < 2 || trimmed.length > 60)
    throw invalid('merchant_name_malformed', 'a merchant name has 2-60 characters');
  if ((await context.identity.kyc.identityFacts(userId)).kycLevel < 1) {
    throw ruleViolation('identity_not_verified', 'verify your identity before opening a shop');
  }
  const id = uuidv7();
  const accountId = merchantAccountId(id);
  await inTransaction(context.db, async (trx) => {
    const existing = await sql`select 1 from merchants where owner_user_id = ${userId}`.execute(trx);
    if (existing.rows.length > 0) throw conflict('merchant_exists', 'you already have a merchant account');
    const [created] = await context.ledger.createAccounts(
      [
        {
          id: accountId,
          ledger: CURRENCY,
          code: ChartOfAccounts.merchantSettlement.code,
          userData: id,
          flags: ChartOfAccounts.merchantSettlement.flags,
        },
      ],
      { tx: trx },
    );
    if (created!.result !== 'ok') throw new Error(`merchant account: ${created!.result}`);
    await sql`insert into merchants (id, owner_user_id, name, account_id, created_at)
              values (${id}, ${userId}, ${trimmed}, ${accountId}, ${context.clock.now()})`.execute(trx);
    await context.identity.users.grantRole(trx, userId, 'merchant', 'merchant-sign-up');
    await context.identity.audit(
      { principal: { kind: 'user', userId, roles: ['customer'], sessionId: null }, ip: null },
      { action: 'merchant.opened', subjectType: 'merchant', subjectId: id, after: { name: trimmed } },
      trx,
    );
  });
  return (await merchantOfUser(context, userId))!;
}

interface MerchantRow {
  id: string;
  owner_user_id: string;
  name: string;
  status: string;
  account_id: string;
  created_at: Date;
}

const toMerchant = (r: MerchantRow): Merchant => ({
  id: r.id,
  ownerUserId: r.owner_user_id,
  name: r.name,
  status: r.status,
  accountId: r.account_id,
  createdAt: r.created_at,
});

export async function merchantOfUser(
  context: PaymentsContext,
  userId: string,
): Promise<Merchant | undefined> {
  const rows = await sql<MerchantRow>`select * from merchants where owner_user_id = ${userId}`.execute(
    context.db,
  );
  return rows.rows[0] ? toMerchant(rows.rows[0]) : undefined;
}

export async function requireMerchant(context: PaymentsContext, userId: string): Promise<Merchant> {
  const merchant = await merchantOfUser(context, userId);
  if (!merchant) throw notFound('merchant_not_found', 'you have no merchant account');
  if (merchant.status !== 'active')
    throw ruleViolation('merchant_suspended', 'this merchant account is suspended');
  return merchant;
}

async function merchantById(context: PaymentsContext, id: string): Promise<Merchant> {
  const rows = await sql<MerchantRow>`select * from merchants where id = ${id}`.execute(context.db);
  if (!rows.rows[0]) throw notFound('merchant_not_found', 'no such merchant');
  return toMerchant(rows.rows[0]);
}

export async function createMerchantOrder(
  context: PaymentsContext,
  userId: string,
  input: { amount: bigint; description: string; merchantOrderNo?: string | undefined },
): Promise<Order> {
  orderAmount(context, input.amount);
  const merchant = await requireMerchant(context, userId);
  const id = uuidv7();
  const now = context.clock.now();
  await inTransaction(context.db, async (trx) => {
    try {
      await insertOrder(
        trx,
        {
          id,
          kind: 'merchant_payment',
          status: 'awaiting_payment',
          merchantId: merchant.id,
          amount: input.amount,
          currency: CURRENCY,
          description: input.description,
          merchantOrderNo: input.merchantOrderNo ?? null,
          expiresAt: new Date(now.getTime() + context.settings.merchantOrderTtlMinutes * 60_000),
        },
        now,
        context.clock.businessDate(),
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw conflict('merchant_order_no_taken', 'you already have an order with this number');
      throw error;
    }
  });
  return (await getOrder(context.db, id))!;
}

/** What a payer sees before paying: who, how much, for what, until when. */
export async function orderForPayer(context: PaymentsContext, orderId: string) {
  const order = await getOrder(context.db, orderId);
  if (order?.kind !== 'merchant_payment') throw notFound('order_not_found', 'no such order');
  const merchant = await merchantById(context, order.merchantId!);
  return { order, merchantName: merchant.name };
}

async function lockPayable(
  context: PaymentsContext,
  trx: Parameters<typeof getOrder>[0],
  orderId: string,
): Promise<Order> {
  const order = await getOrder(trx, orderId, { lock: true });
  if (order?.kind !== 'merchant_payment') throw notFound('order_not_found', 'no such order');
  const now = context.clock.now();
  if (order.status === 'awaiting_payment' && order.expiresAt && order.expiresAt <= now) {
    throw conflict('order_expired', 'this order has expired; ask the merchant for a new one');
  }
  if (order.status !== 'awaiting_payment')
    throw conflict('order_not_payable', `this order is ${order.status}`);
  return order;
}

/**
 * For another context that pays an order with money it moves into the wallet first (wealth's payment
 * from the money-market fund): `beforeDebit` runs in the payment's own transaction, before the wallet
 * is locked and debited, so that its transfers and the payment commit together or not at all.
 */
export interface WalletPaymentOptions {
  readonly beforeDebit?: (trx: Executor, order: { id: string; amount: bigint }) => Promise<void>;
}

export async function payWithWallet(
  context: PaymentsContext,
  payerId: string,
  orderId: string,
  input: { paymentPassword?: string | undefined },
  options: WalletPaymentOptions = {},
): Promise<Order> {
  const preview = await orderForPayer(context, orderId);
  const merchant = await merchantById(context, preview.order.merchantId!);
  if (merchant.ownerUserId === payerId)
    throw invalid('cannot_pay_own_order', 'a merchant cannot pay their own order');
  const amount = preview.order.amount;
  const kyc = (await context.identity.kyc.identityFacts(payerId)).kycLevel;
  if (kyc < 1 && amount > context.settings.unverifiedPaymentLimit) {
    throw ruleViolation('identity_not_verified', 'verify your identity to pay this much');
  }
  const withPassword = input.paymentPassword !== undefined;
  if (withPassword) await context.identity.kyc.checkPaymentPassword(payerId, input.paymentPassword!);
  else if (amount > context.settings.passwordFreeLimit)
    throw ruleViolation('payment_password_required', 'this payment needs your payment password');
  const now = context.clock.now();
  await inTransaction(context.db, async (trx) => {
    if (options.beforeDebit) await options.beforeDebit(trx, { id: orderId, amount });
    const wallet = await lockWallet(context, trx, payerId);
    const order = await lockPayable(context, trx, orderId);
    if (!withPassword) {
      const today = await sql<{ total: string | null }>`
        select sum(amount)::text as total from payment_orders
        where user_id = ${payerId} and password_free and status = 'succeeded' and business_date = ${context.clock.businessDate()}`.execute(
        trx,
      );
      if (BigInt(today.rows[0]?.total ?? '0') + amount > context.settings.passwordFreeDailyLimit) {
        throw ruleViolation(
          'payment_password_required',
          'today’s password-free total is reached; enter your payment password',
        );
      }
    }
    await post(context, trx, [
      {
        id: `pay:${order.id}:wallet`,
        debitAccountId: wallet,
        creditAccountId: merchant.accountId,
        amount,
        ledger: CURRENCY,
        code: TransferCode.merchantPayment,
        userData: order.id,
      },
    ]);
    await updateOrder(
      trx,
      order.id,
      {
        status: 'succeeded',
        userId: payerId,
        method: 'wallet',
        passwordFree: !withPassword,
        completedAt: now,
      },
      now,
    );
  });
  return (await getOrder(context.db, orderId))!;
}

/** Quick pay, step 1: the payer picks a bound card; a code goes to the card's reserved phone. */
export async function startCardPayment(
  context: PaymentsContext,
  payerId: string,
  orderId: string,
  input: { cardId: string },
  ip: string | null,
) {
  const card = await context.identity.kyc.cardForPayment(payerId, input.cardId);
  const { order } = await orderForPayer(context, orderId);
  const merchant = await merchantById(context, order.merchantId!);
  if (merchant.ownerUserId === payerId)
    throw invalid('cannot_pay_own_order', 'a merchant cannot pay their own order');
  await inTransaction(context.db, async (trx) => {
    await lockPayable(context, trx, orderId);
    await updateOrder(
      trx,
      orderId,
      { userId: payerId, method: 'card', cardId: card.id },
      context.clock.now(),
    );
  });
  await context.identity.codes.issue({
    phone: card.reservedPhone,
    purpose: 'quick_pay',
    subject: orderId,
    ip,
  });
  return { sentTo: maskPhone(card.reservedPhone) };
}

/** Quick pay, step 2: the code confirms; the charge goes to the channel; its notification credits the merchant. */
export async function confirmCardPayment(
  context: PaymentsContext,
  payerId: string,
  orderId: string,
  input: { code: string },
): Promise<Order> {
  const { order } = await orderForPayer(context, orderId);
  if (order.userId !== payerId || order.method !== 'card' || !order.cardId)
    throw conflict('card_payment_not_started', 'choose a card first');
  const card = await context.identity.kyc.cardForPayment(payerId, order.cardId);
  await context.identity.codes.consume({
    phone: card.reservedPhone,
    purpose: 'quick_pay',
    subject: orderId,
    code: input.code,
  });
  const merchant = await merchantById(context, order.merchantId!);
  const channel = defaultChannel(context);
  const ttl = context.settings.topUpTtlMinutes * 60;
  await inTransaction(context.db, async (trx) => {
    await ensurePlatformAccounts(context.ledger, trx, [channel.name]);
    const locked = await lockPayable(context, trx, orderId);
    await post(context, trx, [
      {
        id: `pay:${orderId}:hold`,
        debitAccountId: channelCashAccountId(channel.name),
        creditAccountId: merchant.accountId,
        amount: locked.amount,
        ledger: CURRENCY,
        code: TransferCode.merchantPayment,
        userData: orderId,
        flags: TransferFlag.pending,
        timeoutSeconds: ttl,
      },
    ]);
    await updateOrder(trx, orderId, { status: 'pending', channel: channel.name }, context.clock.now());
  });
  await submitToChannel(context, orderId, 'charge', order.amount, card, `netfin payment to ${merchant.name}`);
  return (await getOrder(context.db, orderId))!;
}

/**
 * A full or partial refund to the payer's wallet, never more than was paid less earlier refunds; an
 * order paid with credit is refunded to the line, by credit's listener in the same transaction.
 */
export async function refund(
  context: PaymentsContext,
  merchantUserId: string,
  orderId: string,
  input: { amount: bigint; reason?: string | undefined },
): Promise<Order> {
  orderAmount(context, input.amount);
  const merchant = await requireMerchant(context, merchantUserId);
  const id = uuidv7();
  const now = context.clock.now();
  await inTransaction(context.db, async (trx) => {
    const order = await getOrder(trx, orderId, { lock: true });
    if (!order || order.merchantId !== merchant.id || order.kind !== 'merchant_payment')
      throw notFound('order_not_found', 'no such order');
    if (order.status !== 'succeeded') throw conflict('order_not_paid', 'only a paid order can be refunded');
    const done = await sql<{ total: string | null }>`
      select sum(amount)::text as total from payment_orders where parent_order_id = ${orderId} and kind = 'refund' and status = 'succeeded'`.execute(
      trx,
    );
    const refunded = BigInt(done.rows[0]?.total ?? '0');
    if (refunded + input.amount > order.amount) {
      throw ruleViolation('refund_exceeds_payment', 'this refund would exceed what was paid', {
        paid: order.amount.toString(),
        refunded: refunded.toString(),
      });
    }
    const paidWithCredit = order.method === 'credit';
    await insertOrder(
      trx,
      {
        id,
        kind: 'refund',
        status: 'succeeded',
        merchantId: merchant.id,
        parentOrderId: orderId,
        counterpartyUserId: order.userId,
        amount: input.amount,
        currency: CURRENCY,
        method: paidWithCredit ? 'credit' : 'wallet',
        description: input.reason ?? null,
        completedAt: now,
      },
      now,
      context.clock.businessDate(),
    );
    if (paidWithCredit) {
      // The line paid the merchant: credit gives it back (and to the wallet what was already repaid).
      const listener = context.creditRefunds.listener;
      assert(listener !== undefined, 'an order paid with credit is refunded through credit');
      await listener(
        {
          refundOrderId: id,
          order,
          amount: input.amount,
          refundedBefore: refunded,
          merchantAccountId: merchant.accountId,
          businessDate: context.clock.businessDate(),
        },
        trx,
      );
      return;
    }
    const wallet = await ensureWallet(context, trx, order.userId!);
    await post(context, trx, [
      {
        id: `pay:${id}:refund`,
        debitAccountId: merchant.accountId,
        creditAccountId: wallet,
        amount: input.amount,
        ledger: CURRENCY,
        code: TransferCode.refund,
        userData: id,
      },
    ]);
  });
  return (await getOrder(context.db, id))!;
}

export async function merchantOrders(
  context: PaymentsContext,
  userId: string,
  filter: OrderFilter,
): Promise<Order[]> {
  const merchant = await requireMerchant(context, userId);
  return ordersOfMerchant(context.db, merchant.id, filter);
}

export async function merchantOrder(
  context: PaymentsContext,
  userId: string,
  orderId: string,
): Promise<{ order: Order; refunds: Order[] }> {
  const merchant = await requireMerchant(context, userId);
  const order = await getOrder(context.db, orderId);
  if (!order || order.merchantId !== merchant.id || order.kind !== 'merchant_payment')
    throw notFound('order_not_found', 'no such order');
  return { order, refunds: await refundsOf(context.db, orderId) };
}

/** A merchant's day: payments and refunds, counted and summed, and the settlement balance. */
export async function merchantSummary(context: PaymentsContext, userId: string, businessDate: string) {
  const merchant = await requireMerchant(context, userId);
  const rows = await sql<{ kind: string; status: string; n: bigint; total: string | null }>`
    select kind, status, count(*)::int8 as n, sum(amount)::text as total from payment_orders
    where merchant_id = ${merchant.id} and business_date = ${businessDate}::date group by kind, status`.execute(
    context.db,
  );
  const pick = (kind: string, status: string) =>
    rows.rows.find((r) => r.kind === kind && r.status === status);
  const paid = pick('merchant_payment', 'succeeded');
  const refunds = pick('refund', 'succeeded');
  const account = await context.ledger.getAccount(merchant.accountId);
  return {
    businessDate,
    payments: { count: Number(paid?.n ?? 0n), amount: BigInt(paid?.total ?? '0') },
    refunds: { count: Number(refunds?.n ?? 0n), amount: BigInt(refunds?.total ?? '0') },
    net: BigInt(paid?.total ?? '0') - BigInt(refunds?.total ?? '0'),
    awaiting: Number(pick('merchant_payment', 'awaiting_payment')?.n ?? 0n),
    expired: Number(pick('merchant_payment', 'expired')?.n ?? 0n),
    balance: account ? account.creditsPosted - account.debitsPosted : 0n,
  };
}

/** Marks unpaid merchant orders past their time as expired, in one statement. */
export async function expireMerchantOrders(
  context: PaymentsContext,
  db: Executor = context.db,
): Promise<number> {
  const now = context.clock.now();
  const result = await sql`
    update payment_orders set status = 'expired', updated_at = ${now}
    where kind = 'merchant_payment' and status = 'awaiting_payment' and expires_at <= ${now}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
