import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  merchantBalance,
  openShop,
  orderOf,
  orderState,
  PAYMENT_PASSWORD,
  type Shop,
  setPaymentPassword,
} from '../support/credit-purchases.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  api,
  at,
  cents,
  closeTo,
  ledgerVerifies,
  mmfHolder,
  mmfHolding,
  operationsStaff,
  topUpLiquidity,
  walletCents,
} from '../support/wealth.ts';

/**
 * Paying a merchant's order straight from the money-market fund: a quick redemption of the order's
 * amount and the wallet payment commit together. When the payment is refused (paid already, wrong
 * password) or the redemption is (over the day's cap, not enough units), nothing moves at all.
 */
let t: TestApp;
let shop: Shop;
let payer: TestUser;

const units = async (user: TestUser) => cents((await mmfHolding(t, user)).units.amount);
const pay = (user: TestUser, orderId: string, paymentPassword: string | undefined = PAYMENT_PASSWORD) =>
  api(t, user).post('/v1/wealth/mmf/pay', { orderId, ...(paymentPassword ? { paymentPassword } : {}) });

beforeAll(async () => {
  t = await openTestApp({ identity: { sessionTtlHours: 24 * 365 } });
  shop = await openShop(t);
  payer = await mmfHolder(t, '12000.00');
  await setPaymentPassword(t, payer);
  await closeTo(t, '2026-01-05');
  await topUpLiquidity(t, await operationsStaff(t), '50000.00');
  at(t, '2026-01-06 12:00');
});
afterAll(() => t?.close());

describe('paying a merchant from the money-market fund', () => {
  it('redeems the amount quickly and pays the merchant in one go', async () => {
    const orderId = await orderOf(t, shop, '88.80');
    const wallet = await walletCents(t, payer);
    const merchant = await merchantBalance(t, shop);
    const paid = await pay(payer, orderId);
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({
      paymentOrderId: orderId,
      status: 'succeeded',
      amount: { amount: '88.80' },
      redemption: { kind: 'redemption', mode: 'quick', purpose: 'merchant_payment', reference: orderId },
    });
    expect(await orderState(t, orderId)).toMatchObject({ status: 'succeeded', method: 'wallet' });
    expect(await units(payer)).toBe(1200000n - 8880n);
    expect(await walletCents(t, payer)).toBe(wallet);
    expect(await merchantBalance(t, shop)).toBe(merchant + 8880n);
    const form = await api(t, payer).get('/v1/wealth/mmf');
    expect(form.json().quick.investorLeft.amount).toBe('9911.20');
  });

  it('moves nothing when the order was paid already or the password is wrong', async () => {
    const orderId = await orderOf(t, shop, '20.00');
    expect((await pay(payer, orderId)).statusCode).toBe(200);
    const before = await units(payer);
    const again = await pay(payer, orderId);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('order_not_payable');
    const other = await orderOf(t, shop, '30.00');
    const wrong = await pay(payer, other, '000000');
    expect(wrong.statusCode).toBeGreaterThanOrEqual(400);
    expect(wrong.statusCode).toBeLessThan(500);
    expect(await orderState(t, other)).toMatchObject({ status: 'awaiting_payment' });
    expect(await units(payer)).toBe(before);
    const form = await api(t, payer).get('/v1/wealth/mmf');
    expect(form.json().quick.investorLeft.amount).toBe('9891.20');
  });

  it('moves nothing when the quick-redemption cap or the holding is short', async () => {
    const overCap = await orderOf(t, shop, '9891.21');
    const wallet = await walletCents(t, payer);
    const before = await units(payer);
    const refused = await pay(payer, overCap);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'quick_redemption_limit_exceeded',
      details: { left: '9891.20' },
    });
    expect(await orderState(t, overCap)).toMatchObject({ status: 'awaiting_payment' });
    // After the day-close (at 21:00) the cap is still today's: it is per calendar day.
    await closeTo(t, '2026-01-06');
    const sameDay = await pay(payer, await orderOf(t, shop, '9891.21'));
    expect(sameDay.json().error?.code).toBe('quick_redemption_limit_exceeded');
    // Tomorrow the cap is fresh, but the holding is short.
    at(t, '2026-01-07 09:00');
    const short = await orderOf(t, shop, '11891.21');
    const refusedShort = await pay(payer, short);
    expect(refusedShort.json().error.code).toBe('insufficient_holding');
    expect(await orderState(t, short)).toMatchObject({ status: 'awaiting_payment' });
    expect(await units(payer)).toBe(before);
    expect(await walletCents(t, payer)).toBe(wallet);
    // The same amount, over the cap yesterday, pays today (a new order: the old one has expired).
    expect((await pay(payer, await orderOf(t, shop, '9891.21'))).statusCode).toBe(200);
    expect(await units(payer)).toBe(before - 989121n);
    await ledgerVerifies(t);
  });
});
