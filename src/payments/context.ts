import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import { type Clock, ruleViolation } from '../kernel/index.ts';
import type { Ledger, TransferEventResult, TransferInput } from '../ledger/index.ts';
import type { PaymentChannel } from './channels/channel.ts';
import type { NewOrder, Order } from './orders.ts';
import type { PaymentSettings } from './settings.ts';

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
}

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
 * Posts transfers in the caller's transaction. A wallet that cannot cover them is the business error
 * insufficient_funds; `exists` is fine (a step already done, when an event is processed again); any
 * other result is a bug in the caller and stops everything.
 */
export async function post(
  context: PaymentsContext,
  trx: Executor,
  transfers: TransferInput[],
): Promise<TransferEventResult[]> {
  const results = await context.ledger.createTransfers(transfers, { tx: trx });
  for (const result of results) {
    if (result.result === 'ok' || result.result === 'exists') continue;
    if (result.result === 'exceeds_credits' || result.result === 'linked_event_failed') {
      if (results.some((r) => r.result === 'exceeds_credits')) {
        throw ruleViolation('insufficient_funds', 'the wallet does not hold enough available money for this');
      }
    }
    throw new Error(`ledger refused ${result.id}: ${result.result}`);
  }
  return results;
}
