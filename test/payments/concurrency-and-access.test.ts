import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { signUp, verifiedCustomer } from '../support/users.ts';

let t: PaymentsTestApp;
let alice: Awaited<ReturnType<typeof verifiedCustomer>>;
beforeAll(async () => {
  t = await openPaymentsTestApp();
  alice = await verifiedCustomer(t);
  await t.app.inject({
    method: 'POST',
    url: '/v1/me/payment-password',
    headers: alice.headers,
    payload: { paymentPassword: '314159', accountPassword: alice.password },
  });
  const topUp = await t.app.inject({
    method: 'POST',
    url: '/v1/me/top-ups',
    headers: alice.headers,
    payload: { amount: { amount: '555.00', currency: 'CNY' }, cardId: alice.cardId },
  });
  await t.waitFor(
    async () =>
      (
        await t.app.inject({ method: 'GET', url: `/v1/me/orders/${topUp.json().id}`, headers: alice.headers })
      ).json().status === 'succeeded',
    'funding',
  );
});
afterAll(() => t.close());

const wallet = async (headers: Record<string, string>) =>
  (await t.app.inject({ method: 'GET', url: '/v1/me/wallet', headers })).json();

describe('concurrent withdrawals', () => {
  it('100 at once that together exceed the balance: exactly the affordable ones are taken, and the wallet never goes below zero', async () => {
    // Each takes 10.00 and a 1.00 fee: 555.00 affords 50 of them.
    t.sim.control.latencyMs = 600_000; // keep the payouts pending for the rest of this file
    const attempts = await Promise.all(
      Array.from({ length: 100 }, () =>
        t.app.inject({
          method: 'POST',
          url: '/v1/me/withdrawals',
          headers: alice.headers,
          payload: {
            amount: { amount: '10.00', currency: 'CNY' },
            cardId: alice.cardId,
            paymentPassword: '314159',
          },
        }),
      ),
    );
    const accepted = attempts.filter((r) => r.statusCode === 202);
    const refused = attempts.filter((r) => r.statusCode !== 202);
    expect(accepted).toHaveLength(50);
    expect(refused.every((r) => r.json().error.code === 'insufficient_funds')).toBe(true);
    const w = await wallet(alice.headers);
    expect(w).toMatchObject({
      balance: { amount: '555.00' },
      frozen: { amount: '550.00' },
      available: { amount: '5.00' },
    });
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  }, 120_000);
});

describe('one user on another’s things', () => {
  it('cannot read another’s order, pay as the merchant, or refund another merchant’s order', async () => {
    const mallory = await signUp(t);
    const history = (
      await t.app.inject({ method: 'GET', url: '/v1/me/wallet/transactions', headers: alice.headers })
    ).json().items;
    const aliceOrder = history[0].id;
    const peek = await t.app.inject({
      method: 'GET',
      url: `/v1/me/orders/${aliceOrder}`,
      headers: mallory.headers,
    });
    expect(peek.statusCode).toBe(404);
    expect(
      (
        await t.app.inject({ method: 'GET', url: '/v1/me/wallet/transactions', headers: mallory.headers })
      ).json().items,
    ).toEqual([]);

    const shop = await verifiedCustomer(t);
    await t.app.inject({
      method: 'POST',
      url: '/v1/merchants',
      headers: shop.headers,
      payload: { name: 'Shop One' },
    });
    const order = await t.app.inject({
      method: 'POST',
      url: '/v1/merchant/orders',
      headers: shop.headers,
      payload: { amount: { amount: '3.00', currency: 'CNY' }, description: 'Tea' },
    });
    const own = await t.app.inject({
      method: 'POST',
      url: `/v1/pay/orders/${order.json().id}/wallet`,
      headers: shop.headers,
      payload: {},
    });
    expect(own.json().error.code).toBe('cannot_pay_own_order');
    const otherShop = await verifiedCustomer(t);
    await t.app.inject({
      method: 'POST',
      url: '/v1/merchants',
      headers: otherShop.headers,
      payload: { name: 'Shop Two' },
    });
    const steal = await t.app.inject({
      method: 'POST',
      url: `/v1/merchant/orders/${order.json().id}/refunds`,
      headers: otherShop.headers,
      payload: { amount: { amount: '1.00', currency: 'CNY' } },
    });
    expect(steal.statusCode).toBe(404);
    const look = await t.app.inject({
      method: 'GET',
      url: `/v1/merchant/orders/${order.json().id}`,
      headers: otherShop.headers,
    });
    expect(look.statusCode).toBe(404);
    // A customer without the merchant role cannot use merchant endpoints at all.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/merchant/orders', headers: mallory.headers }))
        .statusCode,
    ).toBe(403);
    // Nor spend someone else's card.
    const card = await t.app.inject({
      method: 'POST',
      url: '/v1/me/top-ups',
      headers: mallory.headers,
      payload: { amount: { amount: '1.00', currency: 'CNY' }, cardId: alice.cardId },
    });
    expect(card.statusCode).toBe(404);
  });

  it('replays a transfer for a reused Idempotency-Key instead of sending twice, and refuses it with another body', async () => {
    const bob = await signUp(t);
    const payload = { toPhone: bob.phone, amount: { amount: '1.00', currency: 'CNY' } };
    const headers = { ...alice.headers, 'idempotency-key': 'transfer-once' };
    const before = await wallet(alice.headers);
    const first = await t.app.inject({ method: 'POST', url: '/v1/me/transfers', headers, payload });
    const second = await t.app.inject({ method: 'POST', url: '/v1/me/transfers', headers, payload });
    expect(first.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect((await wallet(bob.headers)).balance.amount).toBe('1.00');
    const changed = await t.app.inject({
      method: 'POST',
      url: '/v1/me/transfers',
      headers,
      payload: { ...payload, amount: { amount: '2.00', currency: 'CNY' } },
    });
    expect(changed.json().error.code).toBe('idempotency_key_reused');
    const after = await wallet(alice.headers);
    expect(after.available.amount).not.toBe(before.available.amount);
  });

  it('refuses bad amounts with coded 4xx and moves nothing', async () => {
    const before = await wallet(alice.headers);
    for (const [amount, code] of [
      ['0', 'amount_must_be_positive'],
      ['-1.00', 'amount_must_not_be_negative'],
      ['1.001', 'amount_too_precise'],
      ['1e2', 'amount_malformed'],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/me/transfers',
        headers: alice.headers,
        payload: { toPhone: alice.phone, amount: { amount, currency: 'CNY' } },
      });
      expect(response.statusCode, amount).toBe(400);
      expect(response.json().error.code, amount).toBe(code);
    }
    const usd = await t.app.inject({
      method: 'POST',
      url: '/v1/me/transfers',
      headers: alice.headers,
      payload: { toPhone: alice.phone, amount: { amount: '1.00', currency: 'USD' } },
    });
    expect(usd.json().error.code).toBe('currency_not_supported');
    const overdraw = await t.app.inject({
      method: 'POST',
      url: '/v1/me/withdrawals',
      headers: alice.headers,
      payload: {
        amount: { amount: '999.00', currency: 'CNY' },
        cardId: alice.cardId,
        paymentPassword: '314159',
      },
    });
    expect(overdraw.json().error.code).toBe('insufficient_funds');
    expect(await wallet(alice.headers)).toEqual(before);
  });
});
