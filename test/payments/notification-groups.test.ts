import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signNotification } from '../../src/payments/index.ts';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { verifiedCustomer } from '../support/users.ts';

/**
 * Notifications settled in groups (notification-queue.ts, issue 23): a burst of them shares one
 * transaction, and every guarantee of settling them one at a time holds: each settles once (also a
 * duplicate inside the same group), anything that does not match its order is an exception, the
 * orders and the ledger change together, and a notification whose settlement throws fails alone.
 */
let t: PaymentsTestApp;
let alice: Awaited<ReturnType<typeof verifiedCustomer>>;
let bob: Awaited<ReturnType<typeof verifiedCustomer>>;
beforeAll(async () => {
  t = await openPaymentsTestApp();
  alice = await verifiedCustomer(t);
  bob = await verifiedCustomer(t);
});
afterAll(() => t.close());
beforeEach(() => {
  t.sim.reset();
  // The gateway sends nothing: the test is the channel.
  t.sim.control.silent = true;
});

type Customer = typeof alice;
interface Pending {
  readonly id: string;
  readonly channelOrderId: string | null;
}

const wallet = async (who: Customer) =>
  (await t.app.inject({ method: 'GET', url: '/v1/me/wallet', headers: who.headers })).json();
const order = async (who: Customer, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/v1/me/orders/${id}`, headers: who.headers })).json();
const topUp = async (who: Customer, amount: string): Promise<Pending> => {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/me/top-ups',
    headers: who.headers,
    payload: { amount: { amount, currency: 'CNY' }, cardId: who.cardId },
  });
  expect(response.statusCode).toBe(202);
  return response.json();
};
const exceptions = async (kind: string, reference: string) =>
  (
    await sql<{ n: bigint }>`
      select count(*)::int8 as n from payment_exceptions where kind = ${kind} and reference = ${reference}`.execute(
      t.platform.db,
    )
  ).rows[0]!.n;
const recorded = async (notificationId: string) =>
  (
    await sql<{ n: bigint }>`
      select count(*)::int8 as n from channel_notifications where channel = 'sim' and notification_id = ${notificationId}`.execute(
      t.platform.db,
    )
  ).rows[0]!.n;

function body(notificationId: string, pending: Pending, amount: string, status = 'succeeded') {
  return {
    notificationId,
    orderId: pending.id,
    channelOrderId: pending.channelOrderId,
    account: 'netfin',
    type: 'charge',
    status,
    amount,
    currency: 'CNY',
    completedAt: t.clock.now().toISOString(),
  };
}

function notify(payload: object) {
  const raw = JSON.stringify(payload);
  const timestamp = Math.floor(t.clock.now().getTime() / 1000);
  return t.app.inject({
    method: 'POST',
    url: '/v1/payments/channels/sim/notify',
    headers: {
      'content-type': 'application/json',
      'x-sim-timestamp': String(timestamp),
      'x-sim-signature': signNotification('test-sim-secret', timestamp, raw),
    },
    payload: raw,
  });
}

/** A verified notification as the queue takes it (channel-events.ts builds the same). */
function settlement(
  notificationId: string,
  pending: Pending,
  amount: bigint,
  status: 'succeeded' | 'failed',
) {
  return {
    orderId: pending.id,
    outcome: {
      status,
      amount,
      channelOrderId: pending.channelOrderId,
      notification: { channel: 'sim', notificationId },
      account: 'netfin',
      type: 'charge' as const,
      currency: 'CNY',
    },
  };
}

const minor = (x: string) => BigInt(x.replace('.', ''));
const plus = (a: string, b: string) => {
  const sum = minor(a) + minor(b);
  return `${sum / 100n}.${String(sum % 100n).padStart(2, '0')}`;
};

describe('notifications settled in groups', () => {
  it('settle a burst over HTTP: each order once, duplicates and mismatches answered, exceptions opened', async () => {
    const [aliceBefore, bobBefore] = [
      (await wallet(alice)).balance.amount,
      (await wallet(bob)).balance.amount,
    ];
    const a1 = await topUp(alice, '10.00');
    const a2 = await topUp(alice, '20.00');
    const a3 = await topUp(alice, '30.00');
    const b1 = await topUp(bob, '40.00');
    const b2 = await topUp(bob, '50.00');
    // b2 is failed by the channel first: a success for it afterwards is a conflict, not a credit.
    expect((await notify(body('h-b2-failed', b2, '50.00', 'failed'))).statusCode).toBe(200);
    expect((await order(bob, b2.id)).status).toBe('failed');

    const unknown = '01999999-0000-7000-8000-0000000000aa';
    const burst = [
      body('h-a1', a1, '10.00'),
      body('h-a1', a1, '10.00'),
      body('h-a2', a2, '20.00'),
      body('h-a1', a1, '10.00'),
      body('h-a2-again', a2, '20.00'), // another notification for an order the burst settles
      body('h-a3', a3, '30.01'), // the wrong amount
      body('h-b1', b1, '40.00'),
      body('h-b1', b1, '40.00'),
      { ...body('h-unknown', a1, '9.00'), orderId: unknown },
      body('h-b2-succeeded', b2, '50.00'), // refused by the order's state
    ];
    const answers = await Promise.all(burst.map(notify));
    expect(answers.map((a) => [a.statusCode, a.body])).toEqual(burst.map(() => [200, 'success']));
    // Sent again later, in another group: acknowledged, nothing moves.
    expect((await notify(body('h-a1', a1, '10.00'))).statusCode).toBe(200);

    expect((await order(alice, a1.id)).status).toBe('succeeded');
    expect((await order(alice, a2.id)).status).toBe('succeeded');
    expect(await order(alice, a3.id)).toMatchObject({ status: 'failed', failureCode: 'amount_mismatch' });
    expect((await order(bob, b1.id)).status).toBe('succeeded');
    expect((await order(bob, b2.id)).status).toBe('failed');
    expect(await exceptions('amount_mismatch', a3.id)).toBe(1n);
    expect(await exceptions('unknown_order', unknown)).toBe(1n);
    expect(await exceptions('status_conflict', b2.id)).toBe(1n);
    for (const id of ['h-a1', 'h-a2', 'h-a2-again', 'h-a3', 'h-b1', 'h-unknown', 'h-b2-succeeded'])
      expect(await recorded(id)).toBe(1n);

    const [aliceAfter, bobAfter] = [await wallet(alice), await wallet(bob)];
    expect(aliceAfter.balance.amount).toBe(plus(aliceBefore, '30.00'));
    expect(aliceAfter.incoming.amount).toBe('0.00');
    expect(bobAfter.balance.amount).toBe(plus(bobBefore, '40.00'));
    expect(bobAfter.incoming.amount).toBe('0.00');
    // Each settled charge's channel cost is booked once.
    const costs = await t.platform.ledger.lookupTransfers(
      [a1, a2, a3, b1, b2].map((o) => `pay:${o.id}:channel-cost`),
    );
    expect(costs.map((c) => c.userData).sort()).toEqual([a1.id, a2.id, b1.id].sort());
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });

  it('answer each member of one group with its own result, in order', async () => {
    const aliceBefore = (await wallet(alice)).balance.amount;
    const a = await topUp(alice, '11.00');
    const b = await topUp(alice, '12.00');
    const c = await topUp(alice, '13.00');
    const d = await topUp(alice, '14.00');
    const { context } = t.platform.payments;
    // Submitted in one turn: the queue cuts them into one group.
    const results = await Promise.all([
      context.submitNotification(settlement('g-a', a, 1100n, 'succeeded')),
      context.submitNotification(settlement('g-a', a, 1100n, 'succeeded')),
      context.submitNotification(settlement('g-b-fail', b, 1200n, 'failed')),
      context.submitNotification(settlement('g-b-late', b, 1200n, 'succeeded')),
      context.submitNotification(settlement('g-c', c, 1301n, 'succeeded')),
      context.submitNotification(settlement('g-d', d, 1400n, 'succeeded')),
      context.submitNotification(settlement('g-d-again', d, 1400n, 'succeeded')),
      context.submitNotification({ ...settlement('g-x', a, 100n, 'succeeded'), orderId: 'not-an-order' }),
    ]);
    expect(results).toEqual([
      'settled',
      'duplicate',
      'settled',
      'status_conflict', // b was failed by the member before it, in the same group
      'amount_mismatch',
      'settled',
      'already_final',
      'unknown_order',
    ]);
    expect((await order(alice, b.id)).status).toBe('failed');
    expect(await exceptions('status_conflict', b.id)).toBe(1n);
    expect((await wallet(alice)).balance.amount).toBe(plus(aliceBefore, '25.00'));
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });

  it('isolate a member whose settlement throws: the others settle, it fails alone and settles when sent again', async () => {
    const aliceBefore = (await wallet(alice)).balance.amount;
    const good = await topUp(alice, '21.00');
    const bad = await topUp(alice, '22.00');
    const other = await topUp(alice, '23.00');
    const { payments } = t.platform;
    const listeners = payments.context.topUpSettled.listeners;
    const refusing = async (_trx: unknown, settled: { id: string }) => {
      if (settled.id === bad.id) throw new Error('a listener refuses this top-up');
    };
    listeners.push(refusing);
    try {
      const results = await Promise.allSettled([
        payments.context.submitNotification(settlement('i-good', good, 2100n, 'succeeded')),
        payments.context.submitNotification(settlement('i-bad', bad, 2200n, 'succeeded')),
        payments.context.submitNotification(settlement('i-other', other, 2300n, 'succeeded')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason.message).toBe('a listener refuses this top-up');
    } finally {
      listeners.splice(listeners.indexOf(refusing), 1);
    }
    expect((await order(alice, good.id)).status).toBe('succeeded');
    expect((await order(alice, bad.id)).status).toBe('pending');
    expect(await recorded('i-bad')).toBe(0n); // rolled back: the channel's resend is processed
    expect((await order(alice, other.id)).status).toBe('succeeded');
    expect((await wallet(alice)).incoming.amount).toBe('22.00');

    expect((await notify(body('i-bad', bad, '22.00'))).statusCode).toBe(200);
    expect((await order(alice, bad.id)).status).toBe('succeeded');
    expect((await wallet(alice)).balance.amount).toBe(plus(aliceBefore, '66.00'));
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});
