import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAdmin, openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { newPhone, signUp, type TestUser, verifiedCustomer } from '../support/users.ts';

/**
 * The "done when", through the API: a person signs up, verifies, binds a card, tops up, pays a
 * merchant by QR, gets a refund, transfers to a friend and withdraws; finance reconciles the day; the
 * ledger verifies clean.
 */
let t: PaymentsTestApp;
beforeAll(async () => {
  t = await openPaymentsTestApp();
});
afterAll(() => t.close());

const cny = (amount: string) => ({ amount, currency: 'CNY' });

async function call(
  user: { headers: Record<string, string> },
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
) {
  return t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
}

async function wallet(user: TestUser) {
  return (await call(user, 'GET', '/v1/me/wallet')).json();
}

describe('a customer’s money, end to end', () => {
  let alice: Awaited<ReturnType<typeof verifiedCustomer>>;
  let bob: TestUser;
  let shop: Awaited<ReturnType<typeof verifiedCustomer>>;

  beforeAll(async () => {
    alice = await verifiedCustomer(t);
    bob = await signUp(t);
    shop = await verifiedCustomer(t);
  });

  it('tops up from a card: incoming at once, spendable when the channel confirms', async () => {
    const order = await call(alice, 'POST', '/v1/me/top-ups', {
      amount: cny('1000.00'),
      cardId: alice.cardId,
    });
    expect(order.statusCode).toBe(202);
    expect(order.json()).toMatchObject({
      kind: 'top_up',
      status: 'pending',
      amount: cny('1000.00'),
      direction: 'in',
    });
    await t.waitFor(async () => (await wallet(alice)).balance.amount === '1000.00', 'the top-up to settle');
    expect(await wallet(alice)).toEqual({
      balance: cny('1000.00'),
      available: cny('1000.00'),
      frozen: cny('0.00'),
      incoming: cny('0.00'),
    });
    const settled = await call(alice, 'GET', `/v1/me/orders/${order.json().id}`);
    expect(settled.json()).toMatchObject({ status: 'succeeded' });
    expect(settled.json().channelOrderId).toMatch(/^SIM/);
  });

  it('pays a merchant by QR code, small amounts without a password, and gets a partial refund', async () => {
    const opened = await call(shop, 'POST', '/v1/merchants', { name: '街角咖啡 Corner Coffee' });
    expect(opened.statusCode).toBe(201);
    // The merchant role is granted with the account.
    const order = await call(shop, 'POST', '/v1/merchant/orders', {
      amount: cny('38.00'),
      description: 'Two lattes',
      merchantOrderNo: 'A-1001',
    });
    expect(order.statusCode).toBe(201);
    const payload = order.json().qrPayload as string;
    expect(payload).toBe(`netfin:pay:${order.json().id}`);
    const qr = await call(shop, 'GET', `/v1/merchant/orders/${order.json().id}/qr`);
    expect(qr.json().svg).toContain('<svg');

    const scanned = await call(alice, 'POST', '/v1/pay/scan', { payload });
    expect(scanned.json()).toMatchObject({
      merchantName: '街角咖啡 Corner Coffee',
      order: { amount: cny('38.00'), status: 'awaiting_payment' },
    });
    const paid = await call(alice, 'POST', `/v1/pay/orders/${order.json().id}/wallet`, {});
    expect(paid.statusCode).toBe(200);
    expect(paid.json().status).toBe('succeeded');
    const again = await call(alice, 'POST', `/v1/pay/orders/${order.json().id}/wallet`, {});
    expect(again.json().error.code).toBe('order_not_payable');

    // Above the password-free limit the payment password is needed.
    const big = await call(shop, 'POST', '/v1/merchant/orders', {
      amount: cny('300.00'),
      description: 'Beans',
    });
    const noPassword = await call(alice, 'POST', `/v1/pay/orders/${big.json().id}/wallet`, {});
    expect(noPassword.json().error.code).toBe('payment_password_required');
    await call(alice, 'POST', '/v1/me/payment-password', {
      paymentPassword: '246810',
      accountPassword: alice.password,
    });
    const withPassword = await call(alice, 'POST', `/v1/pay/orders/${big.json().id}/wallet`, {
      paymentPassword: '246810',
    });
    expect(withPassword.json().status).toBe('succeeded');

    const refund = await call(shop, 'POST', `/v1/merchant/orders/${big.json().id}/refunds`, {
      amount: cny('100.00'),
      reason: 'one bag returned',
    });
    expect(refund.statusCode).toBe(201);
    const tooMuch = await call(shop, 'POST', `/v1/merchant/orders/${big.json().id}/refunds`, {
      amount: cny('200.01'),
    });
    expect(tooMuch.json().error.code).toBe('refund_exceeds_payment');
    const rest = await call(shop, 'POST', `/v1/merchant/orders/${big.json().id}/refunds`, {
      amount: cny('200.00'),
    });
    expect(rest.statusCode).toBe(201);
    const detail = await call(shop, 'GET', `/v1/merchant/orders/${big.json().id}`);
    expect(detail.json()).toMatchObject({ refunded: cny('300.00') });
    expect(detail.json().refunds).toHaveLength(2);

    const summary = await call(shop, 'GET', '/v1/merchant/summary');
    expect(summary.json()).toMatchObject({
      payments: { count: 2, amount: cny('338.00') },
      refunds: { count: 2, amount: cny('300.00') },
      net: cny('38.00'),
      balance: cny('38.00'),
    });
    expect((await wallet(alice)).balance).toEqual(cny('962.00'));
  });

  it('lets an unpaid order expire', async () => {
    const order = await call(shop, 'POST', '/v1/merchant/orders', {
      amount: cny('5.00'),
      description: 'Biscuit',
    });
    t.clock.advanceSeconds(15 * 60 + 1);
    const late = await call(alice, 'POST', `/v1/pay/orders/${order.json().id}/wallet`, {});
    expect(late.json().error.code).toBe('order_expired');
    expect(await t.platform.payments.expireMerchantOrders()).toBeGreaterThanOrEqual(1);
    expect((await call(shop, 'GET', `/v1/merchant/orders/${order.json().id}`)).json().status).toBe('expired');
  });

  it('pays by bound card with an SMS code (quick pay), settled by the channel', async () => {
    const order = await call(shop, 'POST', '/v1/merchant/orders', {
      amount: cny('66.60'),
      description: 'Cake',
    });
    const started = await call(alice, 'POST', `/v1/pay/orders/${order.json().id}/card`, {
      cardId: alice.cardId,
    });
    expect(started.statusCode).toBe(202);
    expect(started.json().sentTo).toMatch(/^1\d\d\*{4}\d{4}$/);
    // The code went to the card's reserved phone.
    const code = await codeForQuickPay();
    const confirmed = await call(alice, 'POST', `/v1/pay/orders/${order.json().id}/card/confirm`, { code });
    expect(confirmed.statusCode).toBe(202);
    await t.waitFor(
      async () =>
        (await call(shop, 'GET', `/v1/merchant/orders/${order.json().id}`)).json().status === 'succeeded',
      'quick pay to settle',
    );
    expect((await call(shop, 'GET', '/v1/merchant/summary')).json().balance).toEqual(cny('104.60'));
    t.clock.advanceSeconds(61);
  });

  it('transfers to a friend by mobile number', async () => {
    const sent = await call(alice, 'POST', '/v1/me/transfers', {
      toPhone: bob.phone,
      amount: cny('100.00'),
      note: 'dinner',
    });
    expect(sent.statusCode).toBe(201);
    expect(sent.json()).toMatchObject({ kind: 'transfer', status: 'succeeded', direction: 'out' });
    expect((await wallet(bob)).balance).toEqual(cny('100.00'));
    const bobHistory = (await call(bob, 'GET', '/v1/me/wallet/transactions')).json().items;
    expect(bobHistory[0]).toMatchObject({
      kind: 'transfer',
      direction: 'in',
      amount: cny('100.00'),
      note: 'dinner',
    });
    const big = await call(alice, 'POST', '/v1/me/transfers', { toPhone: bob.phone, amount: cny('1000.01') });
    expect(big.json().error.code).toBe('payment_password_required');
    const unknown = await call(alice, 'POST', '/v1/me/transfers', {
      toPhone: newPhone(),
      amount: cny('1.00'),
    });
    expect(unknown.json().error.code).toBe('recipient_not_found');
    const broke = await call(bob, 'POST', '/v1/me/transfers', {
      toPhone: alice.phone,
      amount: cny('100.01'),
    });
    expect(broke.json().error.code).toBe('insufficient_funds');
    expect((await wallet(bob)).balance).toEqual(cny('100.00'));
  });

  it('withdraws to the card: frozen with its fee, then paid out', async () => {
    expect((await wallet(alice)).balance).toEqual(cny('862.00'));
    const order = await call(alice, 'POST', '/v1/me/withdrawals', {
      amount: cny('200.00'),
      cardId: alice.cardId,
      paymentPassword: '246810',
    });
    expect(order.statusCode).toBe(202);
    // 0.1% of 200.00 is 0.20, below the 1.00 minimum.
    expect(order.json().fee).toEqual(cny('1.00'));
    await t.waitFor(
      async () =>
        (await call(alice, 'GET', `/v1/me/orders/${order.json().id}`)).json().status === 'succeeded',
      'the payout',
    );
    const after = await wallet(alice);
    expect(after.frozen).toEqual(cny('0.00'));
    expect(after.balance).toEqual(cny('661.00'));
    const unverified = await signUp(t);
    const refused = await call(unverified, 'POST', '/v1/me/withdrawals', {
      amount: cny('1.00'),
      cardId: alice.cardId,
      paymentPassword: '246810',
    });
    expect(refused.json().error.code).toBe('identity_not_verified');
  });

  it('reconciles the day with the channel: everything matches, and the ledger verifies', async () => {
    const date = t.platform.clock.businessDate();
    const report = await t.app.inject({
      method: 'POST',
      url: '/v1/finance/reconciliations',
      headers: asAdmin,
      payload: { channel: 'sim', date },
    });
    expect(report.statusCode).toBe(200);
    expect(report.json().counts).toMatchObject({
      matched: 3,
      missing_in_netfin: 0,
      missing_at_channel: 0,
      amount_differs: 0,
      status_differs: 0,
    });
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });

  async function codeForQuickPay(): Promise<string> {
    const rows = await t.platform.db
      .selectFrom('notification_outbox')
      .select(['body_enc'])
      .where('template', '=', 'code.quick_pay')
      .orderBy('created_at', 'desc')
      .limit(1)
      .execute();
    const body = t.platform.identity.vault.decrypt(rows[0]!.body_enc as string);
    return /(\d{6})/.exec(body)![1]!;
  }
});
