import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { applyRate, conflict, Decimal, invalid, notFound, ruleViolation, uuidv7 } from '../kernel/index.ts';
import { TransferFlag } from '../ledger/index.ts';
import {
  CURRENCY,
  channelCashAccountId,
  ensurePlatformAccounts,
  ensureWalletAccount,
  FEE_INCOME_ACCOUNT,
  TransferCode,
  walletAccountId,
} from './accounts.ts';
import { defaultChannel, orderAmount, type PaymentsContext, post } from './context.ts';
import { getOrder, insertOrder, type NewOrder, type Order, orderFromNew, updateOrder } from './orders.ts';
import { settleOrder } from './settle.ts';

/** A wallet's balances, all read from its ledger account. */
export interface WalletView {
  readonly accountId: string;
  readonly currency: string;
  /** What the wallet holds: credits posted less debits posted. */
  readonly balance: bigint;
  /** Held for withdrawals and bids in progress (pending debits). */
  readonly frozen: bigint;
  /** What can be spent now: balance less frozen. */
  readonly available: bigint;
  /** Top-ups on their way in (pending credits), not yet spendable. */
  readonly incoming: bigint;
}

/** Makes sure a user's wallet exists: the ledger account and the row that serializes their payments. */
export async function ensureWallet(context: PaymentsContext, trx: Executor, userId: string): Promise<string> {
  const accountId = await ensureWalletAccount(context.ledger, trx, userId);
  await sql`insert into wallets (user_id, account_id, currency, created_at) values (${userId}, ${accountId}, ${CURRENCY}, ${context.clock.now()})
            on conflict (user_id) do nothing`.execute(trx);
  return accountId;
}

/** Locks the user's wallet row: their limit checks and debits then happen one at a time. */
export async function lockWallet(context: PaymentsContext, trx: Executor, userId: string): Promise<string> {
  const accountId = await ensureWallet(context, trx, userId);
  await sql`select 1 from wallets where user_id = ${userId} for update`.execute(trx);
  return accountId;
}

/**
 * Locks many users' wallet rows at once, in user id order (as every transaction that locks more than
 * one does), and returns their ledger accounts; users without a wallet get one first.
 */
export async function lockWallets(
  context: PaymentsContext,
  trx: Executor,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)].sort();
  const accounts = new Map<string, string>();
  if (ids.length === 0) return accounts;
  const lock = () =>
    sql<{ user_id: string; account_id: string }>`
    select user_id, account_id from wallets where user_id = any(${ids}::uuid[]) order by user_id for update`.execute(
      trx,
    );
  let rows = await lock();
  if (rows.rows.length < ids.length) {
    const have = new Set(rows.rows.map((r) => r.user_id));
    for (const id of ids) if (!have.has(id)) await ensureWallet(context, trx, id);
    rows = await lock();
  }
  for (const r of rows.rows) accounts.set(r.user_id, r.account_id);
  return accounts;
}

export async function walletView(context: PaymentsContext, userId: string): Promise<WalletView> {
  const account = await context.ledger.getAccount(walletAccountId(userId));
  const posted = account ? account.creditsPosted - account.debitsPosted : 0n;
  const frozen = account?.debitsPending ?? 0n;
  return {
    accountId: walletAccountId(userId),
    currency: CURRENCY,
    balance: posted,
    frozen,
    available: posted - frozen,
    incoming: account?.creditsPending ?? 0n,
  };
}

async function kycLevel(context: PaymentsContext, userId: string): Promise<number> {
  return (await context.identity.kyc.identityFacts(userId)).kycLevel;
}

/** What another context adds to a top-up it starts for its own purpose (crowdfunding: back by card). */
export interface TopUpOptions {
  /** What the order is for, kept on the order (the customer's history) and told to the channel. */
  readonly description?: string;
  /**
   * Runs in the order's transaction once the order is written, before the channel hears of it: the
   * caller's own record of what the money is for commits with the order or not at all, so that no
   * answer from the channel can come before it (onTopUpSettled then finds it).
   */
  readonly withOrder?: (trx: Executor, order: Order) => Promise<void>;
}

/**
 * Top-up by bank card: the order and a pending credit to the wallet (shown as incoming) commit
 * together; the channel's notification posts it or voids it. The hold times out with the order, so
 * a payment that never completes credits nothing.
 */
export async function topUp(
  context: PaymentsContext,
  userId: string,
  input: { amount: bigint; cardId: string },
  options: TopUpOptions = {},
): Promise<Order> {
  orderAmount(context, input.amount);
  const card = await context.identity.kyc.cardForPayment(userId, input.cardId);
  const channel = defaultChannel(context);
  const id = uuidv7();
  const now = context.clock.now();
  const ttl = context.settings.topUpTtlMinutes * 60;
  await inTransaction(context.db, async (trx) => {
    await ensurePlatformAccounts(context.ledger, trx, [channel.name]);
    const wallet = await ensureWallet(context, trx, userId);
    const order: NewOrder = {
      id,
      kind: 'top_up',
      status: 'pending',
      userId,
      amount: input.amount,
      currency: CURRENCY,
      method: 'card',
      channel: channel.name,
      cardId: card.id,
      description: options.description ?? null,
      expiresAt: new Date(now.getTime() + ttl * 1000),
    };
    const businessDate = context.clock.businessDate();
    await insertOrder(trx, order, now, businessDate);
    if (options.withOrder) await options.withOrder(trx, orderFromNew(order, now, businessDate));
    await post(context, trx, [
      {
        id: `pay:${id}:hold`,
        debitAccountId: channelCashAccountId(channel.name),
        creditAccountId: wallet,
        amount: input.amount,
        ledger: CURRENCY,
        code: TransferCode.topUp,
        userData: id,
        flags: TransferFlag.pending,
        timeoutSeconds: ttl,
      },
    ]);
  });
  await submitToChannel(
    context,
    id,
    'charge',
    input.amount,
    card,
    options.description ?? 'netfin wallet top-up',
  );
  return (await getOrder(context.db, id))!;
}

/**
 * Withdrawal to a bound card: needs a verified identity and the payment password; the amount and the
 * fee are frozen (linked pending debits) and paid out through the channel; success posts them,
 * failure releases them. Daily limit per user. Withdrawal holds never time out: only the channel's
 * answer (by notification or query) may settle money that may already have left.
 */
export async function withdraw(
  context: PaymentsContext,
  userId: string,
  input: { amount: bigint; cardId: string; paymentPassword: string },
): Promise<Order> {
  orderAmount(context, input.amount);
  if ((await kycLevel(context, userId)) < 1)
    throw ruleViolation('identity_not_verified', 'verify your identity before withdrawing');
  const card = await context.identity.kyc.cardForPayment(userId, input.cardId);
  await context.identity.kyc.checkPaymentPassword(userId, input.paymentPassword);
  const channel = defaultChannel(context);
  const rate = new Decimal(context.settings.withdrawalFeeRate);
  const computed = applyRate(input.amount, rate, 'up');
  const fee =
    computed > context.settings.withdrawalFeeMinimum ? computed : context.settings.withdrawalFeeMinimum;
  const id = uuidv7();
  const now = context.clock.now();
  await inTransaction(context.db, async (trx) => {
    await ensurePlatformAccounts(context.ledger, trx, [channel.name]);
    const wallet = await lockWallet(context, trx, userId);
    const today = await sql<{ total: string | null }>`
      select sum(amount)::text as total from payment_orders
      where user_id = ${userId} and kind = 'withdrawal' and status in ('pending', 'succeeded') and business_date = ${context.clock.businessDate()}`.execute(
      trx,
    );
    if (BigInt(today.rows[0]?.total ?? '0') + input.amount > context.settings.withdrawalDailyLimit) {
      throw ruleViolation('daily_withdrawal_limit_exceeded', 'this would exceed today’s withdrawal limit');
    }
    await insertOrder(
      trx,
      {
        id,
        kind: 'withdrawal',
        status: 'pending',
        userId,
        amount: input.amount,
        fee,
        currency: CURRENCY,
        method: 'card',
        channel: channel.name,
        cardId: card.id,
      },
      now,
      context.clock.businessDate(),
    );
    await post(context, trx, [
      {
        id: `pay:${id}:hold`,
        debitAccountId: wallet,
        creditAccountId: channelCashAccountId(channel.name),
        amount: input.amount,
        ledger: CURRENCY,
        code: TransferCode.withdrawal,
        userData: id,
        flags: TransferFlag.pending | TransferFlag.linked,
      },
      {
        id: `pay:${id}:fee-hold`,
        debitAccountId: wallet,
        creditAccountId: FEE_INCOME_ACCOUNT,
        amount: fee,
        ledger: CURRENCY,
        code: TransferCode.withdrawalFee,
        userData: id,
        flags: TransferFlag.pending,
      },
    ]);
  });
  await submitToChannel(context, id, 'payout', input.amount, card, 'netfin withdrawal');
  return (await getOrder(context.db, id))!;
}

/**
 * Sends an order to its channel after the order and its holds have committed. A channel that refuses
 * at once fails the order; one that cannot be reached leaves it pending for the poller to ask about.
 */
export async function submitToChannel(
  context: PaymentsContext,
  orderId: string,
  type: 'charge' | 'payout',
  amount: bigint,
  card: { bankCode: string; last4: string },
  description: string,
): Promise<void> {
  const channel = defaultChannel(context);
  const request = {
    orderId,
    amount,
    currency: CURRENCY,
    card,
    notifyUrl: context.notifyUrl(channel.name),
    description,
  };
  let accepted: Awaited<ReturnType<typeof channel.charge>>;
  try {
    accepted = type === 'charge' ? await channel.charge(request) : await channel.payout(request);
  } catch {
    return;
  }
  if (!accepted.accepted) {
    await settleOrder(context, orderId, {
      status: 'failed',
      failureCode: accepted.reason ?? 'channel_declined',
      channelOrderId: null,
      amount,
    });
    return;
  }
  await inTransaction(context.db, (trx) =>
    updateOrder(trx, orderId, { channelOrderId: accepted.channelOrderId }, context.clock.now()),
  );
}

/**
 * A transfer from one wallet to another, found by the recipient's mobile number. The payment
 * password is needed above the configured threshold; an unverified sender may send only a little.
 */
export async function transfer(
  context: PaymentsContext,
  userId: string,
  input: { toPhone: string; amount: bigint; paymentPassword?: string | undefined; note?: string | undefined },
): Promise<Order> {
  orderAmount(context, input.amount);
  const recipient = await context.identity.users.userIdByPhone(input.toPhone);
  if (!recipient) throw notFound('recipient_not_found', 'no netfin account has this mobile number');
  if (recipient === userId) throw invalid('transfer_to_self', 'you cannot transfer to yourself');
  if (input.amount > context.settings.unverifiedPaymentLimit && (await kycLevel(context, userId)) < 1) {
    throw ruleViolation('identity_not_verified', 'verify your identity to send this much');
  }
  if (input.amount > context.settings.transferPasswordThreshold || input.paymentPassword !== undefined) {
    if (input.paymentPassword === undefined)
      throw ruleViolation('payment_password_required', 'this transfer needs your payment password');
    await context.identity.kyc.checkPaymentPassword(userId, input.paymentPassword);
  }
  return context.submitTransfer({
    id: uuidv7(),
    kind: 'transfer',
    status: 'succeeded',
    userId,
    counterpartyUserId: recipient,
    amount: input.amount,
    currency: CURRENCY,
    method: 'wallet',
    note: input.note ?? null,
    completedAt: context.clock.now(),
  });
}

export async function orderOfUser(context: PaymentsContext, userId: string, orderId: string): Promise<Order> {
  const order = await getOrder(context.db, orderId);
  if (!order || (order.userId !== userId && order.counterpartyUserId !== userId))
    throw notFound('order_not_found', 'no such order');
  return order;
}

export function ensureNotFinal(order: Order): void {
  if (order.status !== 'pending' && order.status !== 'awaiting_payment')
    throw conflict('order_not_open', `the order is ${order.status}`);
}
