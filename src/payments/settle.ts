import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { uuidv7 } from '../kernel/index.ts';
import { TransferFlag } from '../ledger/index.ts';
import { CURRENCY, ensurePlatformAccounts } from './accounts.ts';
import { channelCostFor, channelCostTransfer, isCharge } from './channel-cost.ts';
import type { PaymentsContext } from './context.ts';
import { getOrder, type Order, updateOrder } from './orders.ts';

/**
 * Settling a channel order: the one place where the channel's answer (by notification or by query)
 * turns into money. It runs in one transaction with the order locked, so however many times and in
 * whatever order the answers come, each order settles once. Channel orders carry holds made when they
 * were created (`pay:<order>:hold`, and `pay:<order>:fee-hold` for withdrawals): success posts them,
 * failure voids them.
 */
export interface ChannelOutcome {
  readonly status: 'succeeded' | 'failed';
  readonly amount: bigint;
  readonly channelOrderId: string | null;
  readonly failureCode?: string;
  /** The notification being processed, recorded once in the same transaction. */
  readonly notification?: { channel: string; notificationId: string };
  /** What the channel says about the order besides its status and amount; each one given is compared. */
  readonly account?: string;
  readonly type?: 'charge' | 'payout';
  readonly currency?: string;
}

export type SettleResult =
  | 'settled'
  | 'duplicate'
  | 'already_final'
  | 'unknown_order'
  | 'amount_mismatch'
  | 'order_mismatch'
  | 'status_conflict';

export async function openException(
  trx: Executor,
  context: PaymentsContext,
  input: {
    kind: string;
    reference: string;
    orderId?: string | null;
    channel?: string | null;
    details: unknown;
  },
): Promise<void> {
  await sql`
    insert into payment_exceptions (id, kind, channel, order_id, reference, details, created_at)
    values (${uuidv7()}, ${input.kind}, ${input.channel ?? null}, ${input.orderId ?? null}, ${input.reference},
            ${JSON.stringify(input.details, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}::jsonb, ${context.clock.now()})
    on conflict (kind, reference) do nothing`.execute(trx);
}

const holdIds = (order: Order) =>
  order.kind === 'withdrawal'
    ? [`pay:${order.id}:hold`, `pay:${order.id}:fee-hold`]
    : [`pay:${order.id}:hold`];

export async function settleOrder(
  context: PaymentsContext,
  orderId: string,
  outcome: ChannelOutcome,
): Promise<SettleResult> {
  return inTransaction(context.db, async (trx) => {
    if (outcome.notification) {
      const recorded = await sql`
        insert into channel_notifications (channel, notification_id, order_id, received_at, outcome)
        values (${outcome.notification.channel}, ${outcome.notification.notificationId}, ${isUuid(orderId) ? orderId : null},
                ${context.clock.now()}, ${outcome.status})
        on conflict do nothing`.execute(trx);
      if (recorded.numAffectedRows !== 1n) return 'duplicate';
    }
    const order = isUuid(orderId) ? await getOrder(trx, orderId, { lock: true }) : undefined;
    if (!order || order.channel === null) {
      await openException(trx, context, {
        kind: 'unknown_order',
        reference: orderId,
        channel: outcome.notification?.channel,
        details: { outcome },
      });
      return 'unknown_order';
    }
    // An answer that names this order but differs from it in what the order is (its channel, account,
    // direction, currency or the channel's own number for it) may be about another payment altogether:
    // it neither settles nor fails the order, whatever its status says; finance looks at it, and the
    // order waits for its own answer (a notification, the poller or reconciliation).
    const differences = mismatches(context, order, order.channel, outcome);
    const first = Object.keys(differences)[0];
    if (first !== undefined) {
      await openException(trx, context, {
        kind: `${first}_mismatch`,
        reference: order.id,
        orderId: order.id,
        channel: order.channel,
        details: { ...differences, status: outcome.status, amount: outcome.amount },
      });
      return 'order_mismatch';
    }
    const now = context.clock.now();
    if (order.status === 'succeeded' || order.status === 'failed' || order.status === 'closed') {
      if (order.status !== outcome.status && !(order.status === 'failed' && outcome.status === 'failed')) {
        await openException(trx, context, {
          kind: 'status_conflict',
          reference: order.id,
          orderId: order.id,
          channel: order.channel,
          details: { netfin: order.status, channel: outcome.status },
        });
        return 'status_conflict';
      }
      return 'already_final';
    }
    if (outcome.status === 'succeeded' && outcome.amount !== order.amount) {
      await openException(trx, context, {
        kind: 'amount_mismatch',
        reference: order.id,
        orderId: order.id,
        channel: order.channel,
        details: {
          orderAmount: order.amount,
          channelAmount: outcome.amount,
          channelOrderId: outcome.channelOrderId,
        },
      });
      // Money coming in is not credited until finance has looked; money going out stays frozen.
      if (order.kind !== 'withdrawal') {
        await resolveHolds(context, trx, order, 'void');
        await updateOrder(
          trx,
          order.id,
          { status: 'failed', failureCode: 'amount_mismatch', completedAt: now },
          now,
        );
        await afterTopUp(context, trx, order);
      }
      return 'amount_mismatch';
    }
    // The order is updated first and the postings come last, so that the ledger accounts (a channel's
    // cash account is in every one of its orders) stay locked only from the posting to the commit.
    if (outcome.status === 'succeeded') {
      // What the channel keeps of a charge is booked with it: the wallet or merchant gets the whole
      // amount, the channel's cash account the amount less the cost (what the channel remits).
      const cost = isCharge(order) ? channelCostFor(context, order.channel, order.amount) : null;
      await updateOrder(
        trx,
        order.id,
        {
          status: 'succeeded',
          channelOrderId: outcome.channelOrderId,
          completedAt: now,
          ...(cost === null ? {} : { channelCost: cost }),
        },
        now,
      );
      await resolveHolds(context, trx, order, 'post');
      if (cost !== null && cost > 0n) await bookChannelCost(context, trx, order, order.channel, cost);
    } else {
      await updateOrder(
        trx,
        order.id,
        {
          status: 'failed',
          failureCode: outcome.failureCode ?? 'channel_failed',
          channelOrderId: outcome.channelOrderId,
          completedAt: now,
        },
        now,
      );
      await resolveHolds(context, trx, order, 'void');
    }
    await afterTopUp(context, trx, order);
    return 'settled';
  });
}

/**
 * Tells whoever chained an action on a top-up (payments' onTopUpSettled) that it is final, in the
 * settlement's transaction, once per order: the answers that come after find the order final and
 * stop above. A listener takes its own locks after the postings above (the order, then the wallet's
 * ledger account, then its own rows); a deadlock with a transaction that takes them the other way
 * round is retried whole by inTransaction.
 */
async function afterTopUp(context: PaymentsContext, trx: Executor, order: Order): Promise<void> {
  const { listeners } = context.topUpSettled;
  if (order.kind !== 'top_up' || listeners.length === 0) return;
  const final = await getOrder(trx, order.id);
  for (const listener of listeners) await listener(trx, final!);
}

/** Books a settled charge's channel cost (channel-cost.ts), in the settlement's transaction. */
async function bookChannelCost(
  context: PaymentsContext,
  trx: Executor,
  order: Order,
  channel: string,
  cost: bigint,
): Promise<void> {
  // An order created before channel costs were booked may find its channel's fee account missing.
  await ensurePlatformAccounts(context.ledger, trx, [channel]);
  const [result] = await context.ledger.createTransfers([channelCostTransfer(order, channel, cost)], {
    tx: trx,
  });
  if (result!.result !== 'ok' && result!.result !== 'exists')
    throw new Error(`channel cost of ${order.id}: ${result!.result}`);
}

/**
 * Posts or voids an order's holds. A hold on money coming in may have timed out before a late
 * success: the channel has the money, so the credit is made directly instead.
 */
async function resolveHolds(
  context: PaymentsContext,
  trx: Executor,
  order: Order,
  how: 'post' | 'void',
): Promise<void> {
  const ids = holdIds(order);
  const results = await context.ledger.createTransfers(
    ids.map((pendingId) => ({
      id: `${pendingId}:${how}`,
      pendingId,
      amount: 0n,
      ledger: CURRENCY,
      userData: order.id,
      flags: how === 'post' ? TransferFlag.postPendingTransfer : TransferFlag.voidPendingTransfer,
    })),
    { tx: trx },
  );
  for (const [index, result] of results.entries()) {
    if (result.result === 'ok' || result.result === 'exists') continue;
    if (result.result === 'pending_transfer_expired' && how === 'post' && order.kind !== 'withdrawal') {
      const [hold] = await context.ledger.lookupTransfers([ids[index]!], { tx: trx });
      const late = await context.ledger.createTransfers(
        [
          {
            id: `${ids[index]}:late`,
            debitAccountId: hold!.debitAccountId,
            creditAccountId: hold!.creditAccountId,
            amount: hold!.amount,
            ledger: CURRENCY,
            code: hold!.code,
            userData: order.id,
          },
        ],
        { tx: trx },
      );
      if (late[0]!.result === 'ok' || late[0]!.result === 'exists') continue;
      throw new Error(`late credit for ${order.id}: ${late[0]!.result}`);
    }
    if (
      (result.result === 'pending_transfer_expired' || result.result === 'pending_transfer_already_voided') &&
      how === 'void'
    )
      continue;
    throw new Error(`settling ${order.id}: ${ids[index]} ${how}: ${result.result}`);
  }
}

/**
 * The fields an answer shares with its order that differ, each as what the order has and what the
 * channel said, keyed by name (snake_case, for the exception's kind) in order of how much they say:
 * a different channel or account first, the channel's order number last. The amount is compared
 * apart, since a wrong amount for the right payment is handled differently (see settleOrder).
 */
function mismatches(
  context: PaymentsContext,
  order: Order,
  channel: string,
  outcome: ChannelOutcome,
): Record<string, { order: string | null; channel: string }> {
  const expected = {
    channel,
    account: context.channels.get(channel)?.account ?? null,
    type: order.kind === 'withdrawal' ? 'payout' : 'charge',
    currency: order.currency,
    channel_order_id: order.channelOrderId,
  };
  const given = {
    channel: outcome.notification?.channel,
    account: outcome.account,
    type: outcome.type,
    currency: outcome.currency,
    // The channel's number for the order is known only once the channel has accepted the order, which
    // a quick notification can overtake; until then there is nothing to compare it with.
    channel_order_id: order.channelOrderId === null ? undefined : (outcome.channelOrderId ?? undefined),
  };
  const differences: Record<string, { order: string | null; channel: string }> = {};
  for (const field of Object.keys(expected) as (keyof typeof expected)[]) {
    const said = given[field];
    if (said !== undefined && said !== expected[field]) {
      differences[field] = { order: expected[field], channel: said };
    }
  }
  return differences;
}

function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text);
}
