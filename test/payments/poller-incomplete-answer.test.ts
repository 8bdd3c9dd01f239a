import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentChannel } from '../../src/payments/index.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { verifiedCustomer } from '../support/users.ts';

/**
 * When no notification comes, the poller asks the channel. A "succeeded" that does not say how much
 * or in what currency cannot be compared with the order: it credits nothing, opens an exception, and
 * the order waits for an answer that can be compared.
 */
type Answer = Awaited<ReturnType<PaymentChannel['query']>>;
let answer: Answer = { status: 'pending' };
const quiet: PaymentChannel = {
  name: 'quiet',
  account: 'netfin',
  acknowledgement: 'success',
  charge: async () => ({ accepted: true, channelOrderId: 'quiet-1' }),
  payout: async () => ({ accepted: true, channelOrderId: 'quiet-2' }),
  query: async () => answer,
  statement: async () => [],
  verifyNotification: () => ({ ok: false, reason: 'signature' }) as never,
};

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ channels: [quiet] });
});
afterAll(() => t.close());

describe('the poller and an answer it cannot compare', () => {
  it('credits nothing on a success without amount or currency, then settles on a full answer', async () => {
    const alice = await verifiedCustomer(t);
    const topUp = await t.app.inject({
      method: 'POST',
      url: '/v1/me/top-ups',
      headers: alice.headers,
      payload: { amount: { amount: '20.00', currency: 'CNY' }, cardId: alice.cardId },
    });
    expect(topUp.statusCode, topUp.body).toBe(202);
    const orderId = topUp.json().id;
    const balance = async () =>
      (await t.app.inject({ method: 'GET', url: '/v1/me/wallet', headers: alice.headers })).json().balance;
    const status = async () =>
      (await t.app.inject({ method: 'GET', url: `/v1/me/orders/${orderId}`, headers: alice.headers })).json()
        .status;
    const exceptions = async () =>
      (
        await sql<{ kind: string }>`select kind from payment_exceptions where order_id = ${orderId}`.execute(
          t.platform.db,
        )
      ).rows.map((r) => r.kind);

    for (const incomplete of [
      { status: 'succeeded', channelOrderId: 'quiet-1' },
      { status: 'succeeded', channelOrderId: 'quiet-1', amount: 2000n },
      { status: 'succeeded', channelOrderId: 'quiet-1', currency: 'CNY' },
    ] as Answer[]) {
      answer = incomplete;
      t.clock.advanceSeconds(121);
      await t.platform.payments.pollPendingOrders();
      expect(await balance()).toEqual({ amount: '0.00', currency: 'CNY' });
      expect(await status()).toBe('pending');
    }
    expect(await exceptions()).toEqual(['incomplete_answer']);

    answer = { status: 'succeeded', channelOrderId: 'quiet-1', amount: 2000n, currency: 'CNY' };
    t.clock.advanceSeconds(121);
    await t.platform.payments.pollPendingOrders();
    expect(await status()).toBe('succeeded');
    expect(await balance()).toEqual({ amount: '20.00', currency: 'CNY' });
  });
});
