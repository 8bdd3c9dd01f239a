import { inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { ANONYMOUS } from '../identity/index.ts';
import { channelOf, type PaymentsContext } from './context.ts';
import { stalePendingOrders, updateOrder } from './orders.ts';
import { openException, settleOrder } from './settle.ts';

/**
 * A channel's asynchronous notification. Signature and timestamp (five minutes' tolerance) are
 * checked over the exact bytes received; a forgery or a replay from outside the window is refused and
 * audited; a notification seen before is acknowledged without being processed again; every field the
 * order also has (channel, account, charge or payout, currency, the channel's order number, amount) is
 * compared with the order's (settle.ts). The answer tells the channel whether to send it again: a
 * notification that differs from its order is acknowledged, since sending it again would change nothing.
 */
export async function handleNotification(
  context: PaymentsContext,
  channelName: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  ip: string | null,
): Promise<{ status: number; body: string }> {
  const channel = context.channels.get(channelName);
  if (!channel) return { status: 404, body: 'unknown channel' };
  const check = channel.verifyNotification(headers, rawBody, context.clock.now());
  if (!check.ok) {
    const audit: AuditContext = { principal: ANONYMOUS, ip };
    await context.identity.audit(audit, {
      action: 'security.notification_rejected',
      subjectType: 'channel',
      subjectId: channelName,
      details: { reason: check.reason },
    });
    return { status: check.reason === 'payload_malformed' ? 400 : 401, body: 'fail' };
  }
  const n = check.notification;
  // Settled with the notifications that arrive about the same time, in one transaction
  // (notification-queue.ts); the channel is answered once that transaction has committed.
  await context.submitNotification({
    orderId: n.orderId,
    outcome: {
      status: n.status,
      amount: n.amount,
      channelOrderId: n.channelOrderId,
      notification: { channel: channelName, notificationId: n.notificationId },
      account: n.account,
      type: n.type,
      currency: n.currency,
    },
  });
  return { status: 200, body: channel.acknowledgement };
}

/**
 * When no notification comes, ask. Orders pending longer than the configured time are queried; a
 * channel that has never heard of one, or an order past its time, fails it (its holds are released).
 */
export async function pollPendingOrders(context: PaymentsContext, limit = 100): Promise<number> {
  const now = context.clock.now();
  const stale = await stalePendingOrders(
    context.db,
    new Date(now.getTime() - context.settings.pollAfterSeconds * 1000),
    limit,
  );
  let settled = 0;
  for (const order of stale) {
    const channel = channelOf(context, order.channel);
    let answer: Awaited<ReturnType<typeof channel.query>>;
    try {
      answer = await channel.query(order.id);
    } catch {
      continue;
    }
    if (answer.status === 'succeeded' && (answer.amount === undefined || answer.currency === undefined)) {
      // A success that does not say how much, or in what, cannot be compared with the order: nothing
      // is credited or paid out on the channel's word alone; finance looks, and the order waits.
      await inTransaction(context.db, async (trx) => {
        await openException(trx, context, {
          kind: 'incomplete_answer',
          reference: order.id,
          orderId: order.id,
          channel: order.channel,
          details: { status: answer.status, amount: answer.amount, currency: answer.currency },
        });
        await updateOrder(trx, order.id, {}, context.clock.now());
      });
      continue;
    }
    if (answer.status === 'succeeded' || answer.status === 'failed') {
      await settleOrder(context, order.id, {
        status: answer.status,
        amount: answer.amount ?? order.amount,
        channelOrderId: answer.channelOrderId ?? null,
        failureCode: 'channel_failed',
        ...(answer.currency === undefined ? {} : { currency: answer.currency }),
      });
      settled++;
    } else if (answer.status === 'unknown' && order.kind !== 'withdrawal') {
      await settleOrder(context, order.id, {
        status: 'failed',
        amount: order.amount,
        channelOrderId: null,
        failureCode: 'channel_unknown_order',
      });
      settled++;
    } else {
      // Still pending at the channel: look again later.
      await inTransaction(context.db, (trx) => updateOrder(trx, order.id, {}, context.clock.now()));
    }
  }
  return settled;
}
