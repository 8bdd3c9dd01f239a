import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { uuidv7 } from '../kernel/index.ts';
import { TransferFlag, type TransferInput } from '../ledger/index.ts';
import { CURRENCY, ensurePlatformAccounts } from './accounts.ts';
import { channelCostFor, channelCostTransfer, isCharge } from './channel-cost.ts';
import type { PaymentsContext } from './context.ts';
import { getOrder, getOrders, type Order, updateSettledOrders } from './orders.ts';

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
  const [result] = await inTransaction(context.db, (trx) => settleMany(context, trx, [{ orderId, outcome }]));
  return result!;
}

/** One channel answer about one order: a member of a settlement group. */
export interface Settlement {
  readonly orderId: string;
  readonly outcome: ChannelOutcome;
}

/** What settling one answer does, decided before anything is written apart from the notification. */
interface Plan {
  exception?: Parameters<typeof openException>[2];
  update?: Omit<Parameters<typeof updateSettledOrders>[1][number], 'id'>;
  holds?: 'post' | 'void';
  cost?: bigint;
  /** The order turned final: a top-up's listeners hear of it. */
  final?: boolean;
}

/**
 * Settles many answers in the caller's transaction, one result each, in order, as if each had been
 * settled alone one after the other: each notification is recorded once (a second one with the same
 * id, in this group or before it, is a `duplicate`), every order named is locked (in id order, so two
 * groups never wait on each other the other way round) and each answer is decided against the order
 * as the answers before it in the group left it. Then the writes are made together: the orders, the
 * exceptions, one ledger batch with every hold posted or voided and every channel cost, and last the
 * top-ups' listeners. A single answer (the poller, a card payment's synchronous result) is a group of
 * one; the channel's notifications are gathered into groups by NotificationQueue.
 */
export async function settleMany(
  context: PaymentsContext,
  trx: Executor,
  members: readonly Settlement[],
): Promise<SettleResult[]> {
  const results: (SettleResult | undefined)[] = members.map(() => undefined);
  const now = context.clock.now();
  await recordNotifications(trx, members, results, now);

  const ids = [
    ...new Set(members.filter((m, i) => results[i] === undefined && isUuid(m.orderId)).map((m) => m.orderId)),
  ].sort();
  const orders = new Map((await lockOrders(trx, ids)).map((order) => [order.id, order]));

  const plans: { order: Order | undefined; plan: Plan }[] = [];
  members.forEach((member, index) => {
    if (results[index] !== undefined) return;
    const order = isUuid(member.orderId) ? orders.get(member.orderId) : undefined;
    const { result, plan } = decide(context, member.orderId, order, member.outcome, now);
    results[index] = result;
    plans.push({ order, plan });
    // The answers after this one in the group see the order as this one leaves it.
    if (order && plan.update) orders.set(order.id, applied(order, plan.update));
  });

  for (const { plan } of plans) if (plan.exception) await openException(trx, context, plan.exception);
  // The orders are updated first and the postings come last, so that the ledger accounts (a channel's
  // cash account is in every one of its orders) stay locked only from the posting to the commit.
  await updateSettledOrders(
    trx,
    plans.flatMap(({ order, plan }) => (order && plan.update ? [{ id: order.id, ...plan.update }] : [])),
    now,
  );
  await post(context, trx, plans);
  for (const { order, plan } of plans) if (order && plan.final) await afterTopUp(context, trx, order);
  return results.map((result) => result!);
}

/**
 * Records each notification once: the first of a group with a given id is inserted (all in one
 * statement), one the table already has, or a later one of the group with the same id, is a duplicate.
 */
async function recordNotifications(
  trx: Executor,
  members: readonly Settlement[],
  results: (SettleResult | undefined)[],
  now: Date,
): Promise<void> {
  const first = new Map<string, number>();
  members.forEach((member, index) => {
    const n = member.outcome.notification;
    if (!n) return;
    const key = `${n.channel}\u0000${n.notificationId}`;
    if (first.has(key)) results[index] = 'duplicate';
    else first.set(key, index);
  });
  if (first.size === 0) return;
  const candidates = [...first.values()].map((index) => members[index]!);
  const recorded = await sql<{ channel: string; notification_id: string }>`
    insert into channel_notifications (channel, notification_id, order_id, received_at, outcome)
    select v.channel, v.notification_id, v.order_id, ${now}, v.outcome
    from unnest(${candidates.map((m) => m.outcome.notification!.channel)}::text[],
                ${candidates.map((m) => m.outcome.notification!.notificationId)}::text[],
                ${candidates.map((m) => (isUuid(m.orderId) ? m.orderId : null))}::uuid[],
                ${candidates.map((m) => m.outcome.status)}::text[])
      as v(channel, notification_id, order_id, outcome)
    on conflict do nothing
    returning channel, notification_id`.execute(trx);
  const inserted = new Set(recorded.rows.map((row) => `${row.channel}\u0000${row.notification_id}`));
  for (const [key, index] of first) if (!inserted.has(key)) results[index] = 'duplicate';
}

async function lockOrders(trx: Executor, ids: readonly string[]): Promise<Order[]> {
  if (ids.length === 0) return [];
  if (ids.length === 1) {
    const order = await getOrder(trx, ids[0]!, { lock: true });
    return order ? [order] : [];
  }
  return getOrders(trx, ids, { lock: true });
}

/** The order as an update leaves it (updateSettledOrders' rules). */
function applied(order: Order, update: NonNullable<Plan['update']>): Order {
  return {
    ...order,
    status: update.status,
    failureCode: update.failureCode === undefined ? order.failureCode : update.failureCode,
    channelOrderId: update.channelOrderId ?? order.channelOrderId,
    completedAt: update.completedAt,
    channelCost: update.channelCost ?? order.channelCost,
  };
}

/** What one answer does to its order (as the answers before it in the group left it). */
function decide(
  context: PaymentsContext,
  orderId: string,
  order: Order | undefined,
  outcome: ChannelOutcome,
  now: Date,
): { result: SettleResult; plan: Plan } {
  if (!order || order.channel === null) {
    return {
      result: 'unknown_order',
      plan: {
        exception: {
          kind: 'unknown_order',
          reference: orderId,
          channel: outcome.notification?.channel,
          details: { outcome },
        },
      },
    };
  }
  // An answer that names this order but differs from it in what the order is (its channel, account,
  // direction, currency or the channel's own number for it) may be about another payment altogether:
  // it neither settles nor fails the order, whatever its status says; finance looks at it, and the
  // order waits for its own answer (a notification, the poller or reconciliation).
  const differences = mismatches(context, order, order.channel, outcome);
  const first = Object.keys(differences)[0];
  if (first !== undefined) {
    return {
      result: 'order_mismatch',
      plan: {
        exception: {
          kind: `${first}_mismatch`,
          reference: order.id,
          orderId: order.id,
          channel: order.channel,
          details: { ...differences, status: outcome.status, amount: outcome.amount },
        },
      },
    };
  }
  if (order.status === 'succeeded' || order.status === 'failed' || order.status === 'closed') {
    if (order.status !== outcome.status && !(order.status === 'failed' && outcome.status === 'failed')) {
      return {
        result: 'status_conflict',
        plan: {
          exception: {
            kind: 'status_conflict',
            reference: order.id,
            orderId: order.id,
            channel: order.channel,
            details: { netfin: order.status, channel: outcome.status },
          },
        },
      };
    }
    return { result: 'already_final', plan: {} };
  }
  if (outcome.status === 'succeeded' && outcome.amount !== order.amount) {
    const exception = {
      kind: 'amount_mismatch',
      reference: order.id,
      orderId: order.id,
      channel: order.channel,
      details: {
        orderAmount: order.amount,
        channelAmount: outcome.amount,
        channelOrderId: outcome.channelOrderId,
      },
    };
    // Money coming in is not credited until finance has looked; money going out stays frozen.
    if (order.kind === 'withdrawal') return { result: 'amount_mismatch', plan: { exception } };
    return {
      result: 'amount_mismatch',
      plan: {
        exception,
        update: { status: 'failed', failureCode: 'amount_mismatch', completedAt: now },
        holds: 'void',
        final: true,
      },
    };
  }
  if (outcome.status === 'succeeded') {
    // What the channel keeps of a charge is booked with it: the wallet or merchant gets the whole
    // amount, the channel's cash account the amount less the cost (what the channel remits).
    const cost = isCharge(order) ? channelCostFor(context, order.channel, order.amount) : null;
    return {
      result: 'settled',
      plan: {
        update: {
          status: 'succeeded',
          channelOrderId: outcome.channelOrderId,
          completedAt: now,
          ...(cost === null ? {} : { channelCost: cost }),
        },
        holds: 'post',
        ...(cost !== null && cost > 0n ? { cost } : {}),
        final: true,
      },
    };
  }
  return {
    result: 'settled',
    plan: {
      update: {
        status: 'failed',
        failureCode: outcome.failureCode ?? 'channel_failed',
        channelOrderId: outcome.channelOrderId,
        completedAt: now,
      },
      holds: 'void',
      final: true,
    },
  };
}

/**
 * One ledger batch for the whole group: each order's holds posted or voided and, after them, its
 * channel cost. A hold on money coming in may have timed out before a late success: the channel has
 * the money, so the credit is made directly instead.
 */
async function post(
  context: PaymentsContext,
  trx: Executor,
  plans: readonly { order: Order | undefined; plan: Plan }[],
): Promise<void> {
  const transfers: TransferInput[] = [];
  const why: { order: Order; how: 'post' | 'void' | 'cost'; pendingId?: string }[] = [];
  const costChannels = new Set<string>();
  for (const { order, plan } of plans) {
    if (!order) continue;
    if (plan.holds) {
      for (const pendingId of holdIds(order)) {
        transfers.push({
          id: `${pendingId}:${plan.holds}`,
          pendingId,
          amount: 0n,
          ledger: CURRENCY,
          userData: order.id,
          flags: plan.holds === 'post' ? TransferFlag.postPendingTransfer : TransferFlag.voidPendingTransfer,
        });
        why.push({ order, how: plan.holds, pendingId });
      }
    }
    if (plan.cost !== undefined) {
      transfers.push(channelCostTransfer(order, order.channel!, plan.cost));
      why.push({ order, how: 'cost' });
      costChannels.add(order.channel!);
    }
  }
  if (transfers.length === 0) return;
  // An order created before channel costs were booked may find its channel's fee account missing.
  if (costChannels.size > 0) await ensurePlatformAccounts(context.ledger, trx, [...costChannels]);
  const results = await context.ledger.createTransfers(transfers, { tx: trx });
  for (const [index, result] of results.entries()) {
    if (result.result === 'ok' || result.result === 'exists') continue;
    const { order, how, pendingId } = why[index]!;
    if (how === 'cost') throw new Error(`channel cost of ${order.id}: ${result.result}`);
    if (result.result === 'pending_transfer_expired' && how === 'post' && order.kind !== 'withdrawal') {
      const [hold] = await context.ledger.lookupTransfers([pendingId!], { tx: trx });
      const late = await context.ledger.createTransfers(
        [
          {
            id: `${pendingId}:late`,
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
    throw new Error(`settling ${order.id}: ${pendingId} ${how}: ${result.result}`);
  }
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
