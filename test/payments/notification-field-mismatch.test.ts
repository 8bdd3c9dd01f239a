import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PaymentChannel, SimChannel, signNotification } from '../../src/payments/index.ts';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { verifiedCustomer } from '../support/users.ts';

/**
 * A correctly signed notification that names an order but disagrees with it in any field the order
 * also has (channel, netfin's account at the channel, charge or payout, currency, the channel's order
 * number) is not that order's answer: it opens an exception, moves no money, leaves the order as it
 * was, and is acknowledged so that the channel stops resending it. The genuine answer then settles
 * the order exactly once.
 */
let t: PaymentsTestApp;
let alice: Awaited<ReturnType<typeof verifiedCustomer>>;
const SECOND_SECRET = 'second-channel-secret';

beforeAll(async () => {
  t = await openPaymentsTestApp();
  alice = await verifiedCustomer(t);
  // A second channel, so that one channel's notification can name another channel's order.
  const verifier = new SimChannel(t.url, SECOND_SECRET);
  const second: PaymentChannel = {
    name: 'second',
    account: 'netfin',
    acknowledgement: 'success',
    charge: async () => ({ accepted: false, channelOrderId: null }),
    payout: async () => ({ accepted: false, channelOrderId: null }),
    query: async () => ({ status: 'unknown' }),
    statement: async () => [],
    verifyNotification: (headers, rawBody, now) => verifier.verifyNotification(headers, rawBody, now),
  };
  t.platform.payments.addChannel(second);
  await t.app.inject({
    method: 'POST',
    url: '/v1/me/payment-password',
    headers: alice.headers,
    payload: { paymentPassword: '246810', accountPassword: alice.password },
  });
});
afterAll(() => t.close());

const cny = (amount: string) => ({ amount, currency: 'CNY' });
const wallet = async () =>
  (await t.app.inject({ method: 'GET', url: '/v1/me/wallet', headers: alice.headers })).json();
const order = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/v1/me/orders/${id}`, headers: alice.headers })).json();

/** Every balance and every transfer in the ledger, to show that nothing moved. */
async function ledgerState() {
  const row = await sql<{ transfers: bigint; balances: string | null; holds: string | null }>`
    select (select count(*) from ledger_transfers)::int8 as transfers,
           (select string_agg(id || ' ' || debits_pending || ' ' || debits_posted || ' ' || credits_pending || ' ' || credits_posted, ',' order by id)
              from ledger_accounts) as balances,
           (select string_agg(transfer_id || ' ' || state, ',' order by transfer_id) from ledger_pending) as holds`.execute(
    t.platform.db,
  );
  return row.rows[0]!;
}

async function exceptionsOf(orderId: string) {
  const rows = await sql<{ kind: string; details: unknown }>`
    select kind, details from payment_exceptions where order_id = ${orderId}::uuid and status = 'open' order by kind`.execute(
    t.platform.db,
  );
  return rows.rows;
}

let sequence = 0;
function notify(body: Record<string, unknown>, channel = 'sim') {
  const raw = JSON.stringify({ notificationId: `n-${++sequence}`, ...body });
  const timestamp = Math.floor(t.clock.now().getTime() / 1000);
  const secret = channel === 'sim' ? 'test-sim-secret' : SECOND_SECRET;
  return t.app.inject({
    method: 'POST',
    url: `/v1/payments/channels/${channel}/notify`,
    headers: {
      'content-type': 'application/json',
      'x-sim-timestamp': String(timestamp),
      'x-sim-signature': signNotification(secret, timestamp, raw),
    },
    payload: raw,
  });
}

/** The notification the gateway would send for this order; each test changes one field. */
function genuine(o: { id: string; channelOrderId: string }, type: 'charge' | 'payout', amount: string) {
  return {
    orderId: o.id,
    channelOrderId: o.channelOrderId,
    account: 'netfin',
    type,
    status: 'succeeded',
    amount,
    currency: 'CNY',
    completedAt: t.clock.now().toISOString(),
  };
}

describe('a signed notification that disagrees with its order', () => {
  it('credits no top-up for the wrong currency, type, account, channel order or channel', async () => {
    t.sim.control.silent = true;
    const topUp = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/me/top-ups',
        headers: alice.headers,
        payload: { amount: cny('20.00'), cardId: alice.cardId },
      })
    ).json();
    expect(topUp).toMatchObject({ status: 'pending', channelOrderId: expect.any(String) });
    const right = genuine(topUp, 'charge', '20.00');
    const walletBefore = await wallet();
    const ledgerBefore = await ledgerState();

    const lies: [string, Record<string, unknown>, string?][] = [
      ['currency_mismatch', { ...right, currency: 'USD' }],
      ['type_mismatch', { ...right, type: 'payout' }],
      ['account_mismatch', { ...right, account: 'another-merchant' }],
      ['channel_order_id_mismatch', { ...right, channelOrderId: 'SIM-SOMEONE-ELSES' }],
      ['channel_mismatch', right, 'second'],
    ];
    for (const [kind, body, channel] of lies) {
      const response = await notify(body, channel);
      expect([kind, response.statusCode, response.body]).toEqual([kind, 200, 'success']);
      expect((await exceptionsOf(topUp.id)).map((e) => e.kind)).toContain(kind);
      expect(await wallet()).toEqual(walletBefore);
      expect(await ledgerState()).toEqual(ledgerBefore);
      expect((await order(topUp.id)).status).toBe('pending');
    }
    const currency = (await exceptionsOf(topUp.id)).find((e) => e.kind === 'currency_mismatch');
    expect(currency?.details).toMatchObject({ currency: { order: 'CNY', channel: 'USD' } });

    // The genuine answer still credits, once, however often it comes.
    const credited = notify(right);
    expect((await credited).statusCode).toBe(200);
    expect((await notify(right)).statusCode).toBe(200);
    expect((await order(topUp.id)).status).toBe('succeeded');
    expect((await wallet()).balance).toEqual(cny(add(walletBefore.balance.amount, '20.00')));
    expect((await wallet()).incoming).toEqual(cny('0.00'));
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });

  it('releases no frozen withdrawal for a charge-type answer, and pays out on the genuine one', async () => {
    t.sim.control.silent = true;
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/me/withdrawals',
      headers: alice.headers,
      payload: { amount: cny('10.00'), cardId: alice.cardId, paymentPassword: '246810' },
    });
    expect(response.statusCode).toBe(202);
    const withdrawal = response.json();
    const walletBefore = await wallet();
    expect(walletBefore.frozen).toEqual(cny('11.00'));
    const ledgerBefore = await ledgerState();
    const right = genuine(withdrawal, 'payout', '10.00');

    // A failure would release the frozen money, a success would pay it out: neither may come from a charge.
    for (const status of ['failed', 'succeeded']) {
      expect((await notify({ ...right, type: 'charge', status })).statusCode).toBe(200);
      expect(await wallet()).toEqual(walletBefore);
      expect(await ledgerState()).toEqual(ledgerBefore);
      expect((await order(withdrawal.id)).status).toBe('pending');
    }
    expect((await notify({ ...right, status: 'failed', currency: 'HKD' })).statusCode).toBe(200);
    expect(await wallet()).toEqual(walletBefore);
    expect((await exceptionsOf(withdrawal.id)).map((e) => e.kind)).toEqual([
      'currency_mismatch',
      'type_mismatch',
    ]);

    expect((await notify(right)).statusCode).toBe(200);
    expect((await order(withdrawal.id)).status).toBe('succeeded');
    const after = await wallet();
    expect(after.frozen).toEqual(cny('0.00'));
    expect(after.balance).toEqual(cny(add(walletBefore.balance.amount, '-11.00')));
  });
});

function add(a: string, b: string): string {
  const minor = (x: string) => BigInt(x.replace('.', ''));
  const sum = minor(a) + minor(b);
  const sign = sum < 0n ? '-' : '';
  const abs = sum < 0n ? -sum : sum;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
