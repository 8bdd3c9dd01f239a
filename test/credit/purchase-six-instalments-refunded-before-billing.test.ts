import { afterAll, beforeAll, expect, it } from 'vitest';
import { customerWithLine, getLine, type LineJson, signInAgain, yuanText } from '../support/credit.ts';
import {
  cents,
  checkCreditLines,
  discountIncome,
  halfUp,
  merchantBalance,
  openShop,
  orderOf,
  orderState,
  PAYMENT_PASSWORD,
  payWithCredit,
  refund,
  type Shop,
  setPaymentPassword,
} from '../support/credit-purchases.ts';
import { wallet } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Pay later at a merchant's checkout: the payer sees the options for 1,234.57 (in full by the next
 * due date, or 3, 6 or 12 instalments with the fee and its APR), buys in 6; the merchant is paid at
 * once less the 0.6% discount; the plan's six instalments split the principal and the 4.5% fee by the
 * issue's rule. The merchant refunds it all before anything is billed: the line is whole again, the
 * plan refunded with every instalment cancelled, the discount given back, the ledger verifies.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
let shop: Shop;
const AMOUNT = 123_457n; // 1,234.57

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
  shop = await openShop(t);
});
afterAll(() => t.close());

it('shows the options with their fee, instalments, APR and first due date', async () => {
  const answer = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/purchase-options?amount=${yuanText(AMOUNT)}`,
    headers: user.headers,
  });
  expect(answer.statusCode, answer.body).toBe(200);
  const options = answer.json().options as {
    instalments: number;
    fee: { amount: string };
    feeRate: string;
    total: { amount: string };
    first: { principal: { amount: string }; fee: { amount: string } };
    rest: { principal: { amount: string }; fee: { amount: string } } | null;
    apr: string | null;
    firstDueOn: string;
  }[];
  expect(options.map((o) => o.instalments)).toEqual([1, 3, 6, 12]);
  // The business date is 2026-01-05; statements on the 1st, due 9 days later.
  for (const o of options) expect(o.firstDueOn).toBe('2026-02-10');
  expect(options[0]).toMatchObject({ fee: { amount: '0.00' }, apr: null, rest: null });
  expect(cents(options[0]!.total.amount)).toBe(AMOUNT);
  for (const o of options.slice(1)) {
    const n = BigInt(o.instalments);
    const fee = halfUp(AMOUNT, o.feeRate);
    expect(cents(o.fee.amount)).toBe(fee);
    expect(cents(o.total.amount)).toBe(AMOUNT + fee);
    expect(cents(o.rest!.principal.amount)).toBe(AMOUNT / n);
    expect(cents(o.rest!.fee.amount)).toBe(fee / n);
    expect(cents(o.first.principal.amount)).toBe(AMOUNT - (AMOUNT / n) * (n - 1n));
    expect(cents(o.first.fee.amount)).toBe(fee - (fee / n) * (n - 1n));
    // The APR the line publishes for this count, by IRR: well above the fee share itself.
    expect(o.apr).toBe(line.pricing.instalments.find((i) => i.months === o.instalments)!.apr);
    expect(Number(o.apr)).toBeGreaterThan(Number(o.feeRate));
  }
  const six = options.find((o) => o.instalments === 6)!;
  expect(six.fee.amount).toBe('55.56'); // 1,234.57 × 4.5% = 55.55565
  // Another customer's line is not found; an amount that is not one is refused.
  const other = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/purchase-options?amount=10.00`,
    headers: shop.headers,
  });
  expect(other.statusCode).toBe(404);
  expect(other.json().error.code).toBe('line_not_found');
  const bad = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/purchase-options?amount=1.234`,
    headers: user.headers,
  });
  expect(bad.statusCode).toBe(400);
});

let orderId: string;

it('refuses what it must, changing nothing', async () => {
  orderId = await orderOf(t, shop, yuanText(AMOUNT));
  const limit = cents(line.limit.amount);
  const before = { merchant: await merchantBalance(t, shop), discount: await discountIncome(t) };
  // Above the password-free limit the payment password is needed, as from the wallet.
  const noPassword = await payWithCredit(t, user, line.id, orderId, 6, null);
  expect(noPassword.statusCode).toBe(422);
  expect(noPassword.json().error.code).toBe('payment_password_required');
  await setPaymentPassword(t, user);
  const notOffered = await payWithCredit(t, user, line.id, orderId, 5);
  expect(notOffered.json().error.code).toBe('instalments_not_offered');
  // Another customer (the merchant here) cannot use this line.
  const shopPays = await payWithCredit(t, shop, line.id, orderId, 6);
  expect(shopPays.statusCode).toBe(404);
  expect(shopPays.json().error.code).toBe('line_not_found');
  // A merchant with a line of their own cannot pay their own order with it.
  const owner = await customerWithLine(t);
  const opened = await t.app.inject({
    method: 'POST',
    url: '/v1/merchants',
    headers: owner.user.headers,
    payload: { name: 'Own Shop' },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const own = await orderOf(t, { ...owner.user, merchantId: opened.json().id, name: 'Own Shop' }, '10.00');
  const ownPaid = await payWithCredit(t, owner.user, owner.line.id, own, 1, null);
  expect(ownPaid.statusCode).toBe(400);
  expect(ownPaid.json().error.code).toBe('cannot_pay_own_order');
  expect(await orderState(t, own)).toEqual({ status: 'awaiting_payment', method: null });
  expect(await orderState(t, orderId)).toEqual({ status: 'awaiting_payment', method: null });
  expect(cents((await getLine(t, user, line.id)).available.amount)).toBe(limit);
  expect(await merchantBalance(t, shop)).toBe(before.merchant);
  expect(await discountIncome(t)).toBe(before.discount);
  const plans = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/plans`,
    headers: user.headers,
  });
  expect(plans.json().items).toEqual([]);
});

it('buys in 6 instalments: the merchant paid at once less the discount, the plan split by the rule', async () => {
  const limit = cents(line.limit.amount);
  const walletBefore = cents((await wallet(t, user)).balance.amount);
  const discountBefore = await discountIncome(t);
  // With an Idempotency-Key, as a client retrying after a lost answer would send it.
  const purchase = () =>
    t.app.inject({
      method: 'POST',
      url: `/v1/credit/lines/${line.id}/purchases`,
      headers: { ...user.headers, 'idempotency-key': `buy-${orderId}` },
      payload: { orderId, instalments: 6, paymentPassword: PAYMENT_PASSWORD },
    });
  const bought = await purchase();
  expect(bought.statusCode, bought.body).toBe(201);
  // The retry gets the same answer and buys nothing more.
  const replayed = await purchase();
  expect(replayed.statusCode).toBe(201);
  expect(replayed.json()).toEqual(bought.json());
  const { plan, order } = bought.json();
  expect(order).toEqual({
    id: orderId,
    status: 'succeeded',
    amount: { amount: '1234.57', currency: 'CNY' },
    merchantName: shop.name,
  });
  expect(await orderState(t, orderId)).toEqual({ status: 'succeeded', method: 'credit' });

  const discount = halfUp(AMOUNT, '0.006'); // 7.41 (7.40742)
  expect(discount).toBe(741n);
  expect(await merchantBalance(t, shop)).toBe(AMOUNT - discount);
  expect((await discountIncome(t)) - discountBefore).toBe(discount);
  // Nothing came out of (or into) the wallet: the line paid.
  expect(cents((await wallet(t, user)).balance.amount)).toBe(walletBefore);
  const after = await getLine(t, user, line.id);
  expect(cents(after.available.amount)).toBe(limit - AMOUNT);
  expect(cents(after.used.amount)).toBe(AMOUNT);

  const fee = halfUp(AMOUNT, '0.045');
  expect(plan).toMatchObject({
    kind: 'instalment_purchase',
    status: 'active',
    instalments: 6,
    merchantName: shop.name,
  });
  expect(cents(plan.principal.amount)).toBe(AMOUNT);
  expect(cents(plan.charge.amount)).toBe(fee);
  const schedule = plan.schedule as {
    seq: number;
    principal: { amount: string };
    charge: { amount: string };
    billed: boolean;
    cancelled: boolean;
  }[];
  expect(schedule.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(schedule.map((i) => cents(i.principal.amount))).toEqual([
    20_577n,
    20_576n,
    20_576n,
    20_576n,
    20_576n,
    20_576n,
  ]);
  expect(schedule.map((i) => cents(i.charge.amount))).toEqual([926n, 926n, 926n, 926n, 926n, 926n]);
  expect(schedule.every((i) => !i.billed && !i.cancelled)).toBe(true);

  // An order is paid once.
  const again = await payWithCredit(t, user, line.id, orderId, 1);
  expect(again.statusCode).toBe(409);
  expect(again.json().error.code).toBe('order_not_payable');
  await checkCreditLines(t);
});

it('a full refund before billing restores the line and cancels the plan', async () => {
  const limit = cents(line.limit.amount);
  const walletBefore = cents((await wallet(t, user)).balance.amount);
  const discountBefore = await discountIncome(t);
  const tooMuch = await refund(t, shop, orderId, '1234.58');
  expect(tooMuch.json().error.code).toBe('refund_exceeds_payment');
  const refunded = await refund(t, shop, orderId, '1234.57');
  expect(refunded.statusCode, refunded.body).toBe(201);
  expect(refunded.json()).toMatchObject({ kind: 'refund', status: 'succeeded', method: 'credit' });

  // The merchant gives back what it received, and the discount returns to it: nothing left either side.
  expect(await merchantBalance(t, shop)).toBe(0n);
  expect(discountBefore - (await discountIncome(t))).toBe(741n);
  expect(cents((await wallet(t, user)).balance.amount)).toBe(walletBefore);
  user = await signInAgain(t, user);
  const after = await getLine(t, user, line.id);
  expect(cents(after.available.amount)).toBe(limit);
  expect(after.used.amount).toBe('0.00');

  const plans = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/plans`,
    headers: user.headers,
  });
  const [plan] = plans.json().items;
  expect(plan.status).toBe('refunded');
  expect(plan.refunded.amount).toBe('1234.57');
  for (const i of plan.schedule)
    expect(i).toMatchObject({
      cancelled: true,
      billed: false,
      principal: { amount: '0.00' },
      charge: { amount: '0.00' },
    });

  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  const kinds = history.json().items.map((e: { kind: string }) => e.kind);
  expect(kinds.slice(0, 2)).toEqual(['refund', 'purchase']);
  expect(history.json().items[1].details).toMatchObject({ merchant: shop.name, instalments: 6 });
  await checkCreditLines(t);
});
