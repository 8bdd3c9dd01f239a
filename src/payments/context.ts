import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import { type Clock, CNY, formatAmount, invalid, ruleViolation } from '../kernel/index.ts';
import {
  type CreateTransferResult,
  isOverflow,
  type Ledger,
  type TransferEventResult,
  type TransferInput,
} from '../ledger/index.ts';
import type { PaymentChannel } from './channels/channel.ts';
import type { CreditRefundListener } from './credit-orders.ts';
import type { NewOrder, Order } from './orders.ts';
import type { PaymentSettings } from './settings.ts';
import type { Settlement, SettleResult } from './settle.ts';
import type { StatementDates } from './statement.ts';

/** What the payment operations share: storage, time, the ledger, identity, channels and settings. */
export interface PaymentsContext {
  readonly db: Executor;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly settings: PaymentSettings;
  readonly channels: ReadonlyMap<string, PaymentChannel>;
  /** The URL channels send notifications to, e.g. http://host:3000/v1/payments/channels/sim/notify. */
  notifyUrl(channel: string): string;
  /** Hands a validated wallet-to-wallet transfer to the group committer (transfer-batch.ts). */
  submitTransfer(order: NewOrder & { userId: string; counterpartyUserId: string }): Promise<Order>;
  /** Hands a verified notification to the group committer that settles them (notification-queue.ts). */
  submitNotification(settlement: Settlement): Promise<SettleResult>;
  /** Who takes a merchant's refund of an order paid with credit (consumer credit registers it). */
  readonly creditRefunds: { listener?: CreditRefundListener };
  /** Who knows the business dates of movements it posted into wallets (lending registers it). */
  readonly statementDates: { provider?: StatementDates };
  /** Who chained an action on a top-up's settlement (crowdfunding's backing by card): see settle.ts. */
  readonly topUpSettled: { readonly listeners: TopUpSettledListener[] };
}

/**
 * Called in the transaction that makes a top-up final (succeeded or failed), after its money is
 * posted or released, with the order as it now is. Another context uses it to finish what it started
 * with the top-up (TopUpOptions.withOrder) exactly once: a notification that comes twice, or after
 * the poller, does not reach it again. Whatever it throws rolls the settlement back (the channel
 * sends again), so it refuses nothing that is the customer's business: it records the outcome.
 */
export type TopUpSettledListener = (trx: Executor, order: Order) => Promise<void>;

export function channelOf(context: PaymentsContext, name: string | null): PaymentChannel {
  const channel = name ? context.channels.get(name) : undefined;
  if (!channel)
    throw ruleViolation('channel_unavailable', `no payment channel ${name ?? '(none)'} is configured`);
  return channel;
}

export function defaultChannel(context: PaymentsContext): PaymentChannel {
  const first = context.channels.values().next();
  if (first.done) throw ruleViolation('channel_unavailable', 'no payment channel is configured');
  return first.value;
}

/**
 * The amount of a new order, checked before anything is written: more than zero, and no more than
 * the configured largest order, so that no amount a customer sends comes near the int8 range of the
 * ledger's balances.
 */
export function orderAmount(context: PaymentsContext, amount: bigint): bigint {
  if (amount <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  const limit = context.settings.maxOrderAmount;
  if (amount > limit) {
    throw ruleViolation(
      'amount_exceeds_order_limit',
      `one order may move at most ${formatAmount(limit, CNY)} CNY`,
      { limit: formatAmount(limit, CNY) },
    );
  }
  return amount;
}

/**
 * The business error for a transfer the ledger refused because an account's totals would pass the
 * int8 range, or undefined for any other result. Amounts within the order limit reach it only on an
 * account that already holds nearly that much, which is the customer's situation, not a bug.
 */
export function overflowError(result: CreateTransferResult) {
  return isOverflow(result)
    ? ruleViolation(
        'balance_would_overflow',
        'this would take an account past the largest balance it can hold',
      )
    : undefined;
}

/**
 * Posts transfers in the caller's transaction. A wallet that cannot cover them is the business error
 * insufficient_funds, an account that cannot take them balance_would_overflow; `exists` is fine (a
 * step already done, when an event is processed again); any other result is a bug in the caller and
 * stops everything.
 */
export async function post(
  context: PaymentsContext,
  trx: Executor,
  transfers: TransferInput[],
): Promise<TransferEventResult[]> {
  const results = await context.ledger.createTransfers(transfers, { tx: trx });
  for (const result of results) {
    if (result.result === 'ok' || result.result === 'exists') continue;
    // In a linked chain the event that failed names the reason; the others say only linked_event_failed.
    const causes = result.result === 'linked_event_failed' ? results.map((r) => r.result) : [result.result];
    if (causes.includes('exceeds_credits')) {
      throw ruleViolation('insufficient_funds', 'the wallet does not hold enough available money for this');
    }
    const overflow = causes.map(overflowError).find((error) => error !== undefined);
    if (overflow) throw overflow;
    throw new Error(`ledger refused ${result.id}: ${result.result}`);
  }
  return results;
}
