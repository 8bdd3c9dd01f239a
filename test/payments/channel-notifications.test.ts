import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withLuhnDigit } from '../../src/identity/index.ts';
import { signNotification } from '../../src/payments/index.ts';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { latestCode, newPhone, verifiedCustomer } from '../support/users.ts';

/**
 * What a channel can throw at netfin: forged, replayed, duplicated, late, out-of-order and lying
 * notifications, notifications that never come, declined cards. Each is handled, and no money moves
 * that should not.
 */
let t: PaymentsTestApp;
let alice: Awaited<ReturnType<typeof verifiedCustomer>>;
beforeAll(async () => {
  t = await openPaymentsTestApp();
  alice = await verifiedCustomer(t);
});
afterAll(() => t.close());
beforeEach(() => t.sim.reset());

const cny = (amount: string) => ({ amount, currency: 'CNY' });
const wallet = async () =>
  (await t.app.inject({ method: 'GET', url: '/v1/me/wallet', headers: alice.headers })).json();
const order = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/v1/me/orders/${id}`, headers: alice.headers })).json();
const topUp = async (amount: string, cardId = alice.cardId) =>
  (
    await t.app.inject({
      method: 'POST',
      url: '/v1/me/top-ups',
      headers: alice.headers,
      payload: { amount: cny(amount), cardId },
    })
  ).json();
const openExceptions = async (kind: string) =>
  (
    await sql<{
      n: bigint;
    }>`select count(*)::int8 as n from payment_exceptions where kind = ${kind} and status = 'open'`.execute(
      t.platform.db,
    )
  ).rows[0]!.n;

function notify(body: object, options: { secret?: string; timestamp?: number } = {}) {
  const raw = JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(t.clock.now().getTime() / 1000);
  return t.app.inject({
    method: 'POST',
    url: '/v1/payments/channels/sim/notify',
    headers: {
      'content-type': 'application/json',
      'x-sim-timestamp': String(timestamp),
      'x-sim-signature': signNotification(options.secret ?? 'test-sim-secret', timestamp, raw),
    },
    payload: raw,
  });
}

describe('channel notifications', () => {
  it('refuse a forged signature and a replay outside five minutes, crediting nothing', async () => {
    t.sim.control.silent = true;
    const pending = await topUp('50.00');
    const body = {
      notificationId: 'forged-1',
      orderId: pending.id,
      channelOrderId: pending.channelOrderId,
      account: 'netfin',
      type: 'charge',
      status: 'succeeded',
      amount: '50.00',
      currency: 'CNY',
      completedAt: new Date().toISOString(),
    };
    const forged = await notify(body, { secret: 'guessed-secret' });
    expect(forged.statusCode).toBe(401);
    const stale = await notify(
      { ...body, notificationId: 'stale-1' },
      { timestamp: Math.floor(t.clock.now().getTime() / 1000) - 301 },
    );
    expect(stale.statusCode).toBe(401);
    expect((await order(pending.id)).status).toBe('pending');
    const rejected = await sql<{
      n: bigint;
    }>`select count(*)::int8 as n from audit_log where action = 'security.notification_rejected'`.execute(
      t.platform.db,
    );
    expect(rejected.rows[0]!.n).toBe(2n);
    // The genuine one is accepted once, and its replays are acknowledged without a second credit.
    const before = (await wallet()).balance.amount;
    for (let i = 0; i < 3; i++) {
      const genuine = await notify({ ...body, notificationId: 'genuine-1' });
      expect(genuine.statusCode).toBe(200);
      expect(genuine.body).toBe('success');
    }
    const after = (await wallet()).balance.amount;
    expect([before, after]).toEqual([before, add(before, '50.00')]);
  });

  it('process each payment exactly once when the gateway sends duplicates out of order', async () => {
    t.sim.control.duplicateRate = 1;
    t.sim.control.jitterMs = 40;
    const before = (await wallet()).balance.amount;
    const orders = await Promise.all(['10.00', '20.00', '30.00', '40.00'].map((a) => topUp(a)));
    await t.waitFor(
      async () => (await Promise.all(orders.map((o) => order(o.id)))).every((o) => o.status === 'succeeded'),
      'four top-ups',
    );
    await t.waitFor(async () => t.sim.delivered.length >= 8, 'the duplicates to be delivered');
    expect((await wallet()).balance.amount).toBe(add(before, '100.00'));
  });

  it('credit nothing and open an exception when the amount differs from the order', async () => {
    t.sim.control.tamperAmount = 1n;
    const before = (await wallet()).balance.amount;
    const pending = await topUp('70.00');
    await t.waitFor(async () => (await order(pending.id)).status === 'failed', 'the mismatch to be handled');
    expect((await order(pending.id)).failureCode).toBe('amount_mismatch');
    expect((await wallet()).balance.amount).toBe(before);
    expect((await wallet()).incoming.amount).toBe('0.00');
    expect(await openExceptions('amount_mismatch')).toBe(1n);
  });

  it('acknowledge a notification for an unknown order and open an exception', async () => {
    const response = await notify({
      notificationId: 'ghost-1',
      orderId: '01999999-0000-7000-8000-000000000000',
      channelOrderId: 'SIMX',
      account: 'netfin',
      type: 'charge',
      status: 'succeeded',
      amount: '9.00',
      currency: 'CNY',
      completedAt: new Date().toISOString(),
    });
    expect(response.statusCode).toBe(200);
    expect(await openExceptions('unknown_order')).toBe(1n);
    const malformed = await notify({ notificationId: 'bad', orderId: 'x', status: 'maybe' });
    expect(malformed.statusCode).toBe(400);
  });

  it('ask the channel when no notification comes (the poller), and settle from its answer', async () => {
    t.sim.control.silent = true;
    const before = (await wallet()).balance.amount;
    const pending = await topUp('25.00');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await t.platform.payments.pollPendingOrders()).toBe(0); // too recent to ask about
    t.clock.advanceSeconds(121);
    expect(await t.platform.payments.pollPendingOrders()).toBeGreaterThanOrEqual(1);
    expect((await order(pending.id)).status).toBe('succeeded');
    expect((await wallet()).balance.amount).toBe(add(before, '25.00'));
  });

  it('credit a success that arrives after the order timed out, since the channel has the money', async () => {
    t.sim.control.silent = true;
    const before = (await wallet()).balance.amount;
    const pending = await topUp('12.34');
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.clock.advanceSeconds(31 * 60);
    await t.platform.ledger.expirePending();
    expect((await wallet()).incoming.amount).toBe('0.00');
    await t.platform.payments.pollPendingOrders();
    expect((await order(pending.id)).status).toBe('succeeded');
    expect((await wallet()).balance.amount).toBe(add(before, '12.34'));
  });

  it('fail a card the bank declines at once, and one that fails later, releasing the hold', async () => {
    // A card whose number ends 0002 is declined by the gateway when charged.
    let number = '';
    for (let i = 0; !number.endsWith('0002'); i++)
      number = withLuhnDigit(`62220200${String(i).padStart(7, '0')}000`);
    const reservedPhone = newPhone();
    const card = await t.app.inject({
      method: 'POST',
      url: '/v1/me/cards',
      headers: alice.headers,
      payload: { cardNumber: number, reservedPhone },
    });
    const code = await latestCode(t, reservedPhone);
    await t.app.inject({
      method: 'POST',
      url: `/v1/me/cards/${card.json().id}/confirm`,
      headers: alice.headers,
      payload: { code },
    });
    t.clock.advanceSeconds(61);
    const before = await wallet();
    const declined = await topUp('15.00', card.json().id);
    expect(declined).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    expect(await wallet()).toEqual(before);

    t.sim.control.failureRate = 1;
    t.sim.control.latencyMs = 300;
    const failing = await topUp('80.00');
    expect((await wallet()).incoming.amount).toBe('80.00');
    await t.waitFor(async () => (await order(failing.id)).status === 'failed', 'the failure notification');
    const after = await wallet();
    expect(after.balance).toEqual(before.balance);
    expect(after.incoming.amount).toBe('0.00');
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});

function add(a: string, b: string): string {
  const minor = (x: string) => BigInt(x.replace('.', ''));
  const sum = minor(a) + minor(b);
  return `${sum / 100n}.${String(sum % 100n).padStart(2, '0')}`;
}
