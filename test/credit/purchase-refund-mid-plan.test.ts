import { afterAll, beforeAll, expect, it } from 'vitest';
import { statementAccount } from '../../src/credit/accounts.ts';
import { closeTo } from '../support/batch.ts';
import { customerWithLine, getLine, type LineJson, signInAgain, staffMember } from '../support/credit.ts';
import {
  cents,
  checkCreditLines,
  discountIncome,
  merchantBalance,
  openShop,
  orderOf,
  payWithCredit,
  refund,
  type Shop,
  setPaymentPassword,
} from '../support/credit-purchases.ts';
import { cny, fund, wallet } from '../support/lending.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A merchant refund in the middle of a plan. Staff set the shop's discount rate to 1%; 3,000.00 is
 * bought in 3 instalments (fee 2.5%: 75.00); the statement of 1 February bills the first (1,000.00 and
 * 25.00); the customer pays 400.00 of it (the fee, then 375.00 of principal). The merchant refunds
 * 2,500.00: the two unbilled instalments are cancelled, 500.00 comes off the statement's unpaid
 * principal, the fee becomes 12.50 pro rata (the 12.50 already paid over that goes to the wallet).
 * Then the rest, 500.00: 125.00 off the statement, 375.00 and the last 12.50 of fee to the wallet;
 * the customer has back exactly the 400.00 they paid, the merchant has nothing, the line is whole.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
let shop: Shop;
let orderId: string;
let statementId: string;

const balance = async (accountId: string) => {
  const a = await t.platform.ledger.getAccount(accountId);
  return a ? a.debitsPosted - a.creditsPosted : 0n;
};

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
  await setPaymentPassword(t, user);
  shop = await openShop(t);
});
afterAll(() => t.close());

it("staff set the shop's discount rate", async () => {
  const officer = await staffMember(t, ['operations']);
  const url = `/v1/payments/staff/merchants/${shop.merchantId}/discount-rate`;
  const customer = await t.app.inject({
    method: 'PUT',
    url,
    headers: user.headers,
    payload: { rate: '0.01' },
  });
  expect(customer.statusCode).toBe(403);
  const wrong = await t.app.inject({
    method: 'PUT',
    url,
    headers: officer.headers,
    payload: { rate: '1.5' },
  });
  expect(wrong.statusCode).toBe(400);
  const set = await t.app.inject({ method: 'PUT', url, headers: officer.headers, payload: { rate: '0.01' } });
  expect(set.statusCode, set.body).toBe(200);
  expect(set.json()).toMatchObject({ id: shop.merchantId, discountRate: '0.01' });
  const seen = await t.app.inject({
    method: 'GET',
    url: `/v1/payments/staff/merchants/${shop.merchantId}`,
    headers: asAdmin,
  });
  expect(seen.json().discountRate).toBe('0.01');
});

it('buys 3,000.00 in 3 instalments; the first statement bills the first; 400.00 is paid', async () => {
  orderId = await orderOf(t, shop, '3000.00');
  const bought = await payWithCredit(t, user, line.id, orderId, 3);
  expect(bought.statusCode, bought.body).toBe(201);
  expect(bought.json().plan.charge.amount).toBe('75.00');
  expect(await merchantBalance(t, shop)).toBe(300_000n - 3_000n);

  await closeTo(t, '2026-02-01');
  user = await signInAgain(t, user);
  const plans = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/plans`,
    headers: user.headers,
  });
  const schedule = plans.json().items[0].schedule;
  expect(schedule.map((i: { billed: boolean }) => i.billed)).toEqual([true, false, false]);
  statementId = schedule[0].statementId;
  expect(await balance(statementAccount.principal(statementId))).toBe(100_000n);
  expect(await balance(statementAccount.fees(statementId))).toBe(2_500n);

  await fund(t, user.userId, '400.00');
  const paid = await t.app.inject({
    method: 'POST',
    url: `/v1/credit/lines/${line.id}/repayments`,
    headers: user.headers,
    payload: { amount: cny('400.00') },
  });
  expect(paid.statusCode, paid.body).toBe(201);
  expect(await balance(statementAccount.fees(statementId))).toBe(0n);
  expect(await balance(statementAccount.principal(statementId))).toBe(62_500n);
  await checkCreditLines(t);
});

it('a refund of 2,500.00 cancels the unbilled instalments, reduces the statement, gives back fee and discount', async () => {
  const limit = cents(line.limit.amount);
  const shopUser = await signInAgain(t, shop);
  const discountBefore = await discountIncome(t);
  const r = await refund(t, { ...shop, ...shopUser }, orderId, '2500.00');
  expect(r.statusCode, r.body).toBe(201);

  // Principal: 2,000.00 off the unbilled instalments, 500.00 off the statement's unpaid 625.00.
  expect(await balance(statementAccount.principal(statementId))).toBe(12_500n);
  // Fee: 3,000.00 − 2,500.00 left → 75.00 × 500/3,000 = 12.50; the 50.00 unbilled dropped, 12.50 of
  // the 25.00 paid back to the wallet.
  expect(cents((await wallet(t, user)).balance.amount)).toBe(1_250n);
  // Discount: 1% of 3,000.00 = 30.00, of which 2,500/3,000 = 25.00 back to the merchant.
  expect(discountBefore - (await discountIncome(t))).toBe(2_500n);
  expect(await merchantBalance(t, shop)).toBe(297_000n - (250_000n - 2_500n));
  const after = await getLine(t, user, line.id);
  expect(cents(after.used.amount)).toBe(12_500n);
  expect(cents(after.available.amount)).toBe(limit - 12_500n);

  const plans = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/plans`,
    headers: user.headers,
  });
  const plan = plans.json().items[0];
  expect(plan).toMatchObject({ status: 'completed', refunded: cny('2500.00'), chargeRefunded: cny('62.50') });
  expect(plan.schedule.map((i: { cancelled: boolean }) => i.cancelled)).toEqual([false, true, true]);
  await checkCreditLines(t);
});

it('refunding the rest leaves the customer with exactly what they paid, the merchant with nothing', async () => {
  const limit = cents(line.limit.amount);
  const shopUser = await signInAgain(t, shop);
  const discountBefore = await discountIncome(t);
  const r = await refund(t, { ...shop, ...shopUser }, orderId, '500.00');
  expect(r.statusCode, r.body).toBe(201);
  expect(await balance(statementAccount.principal(statementId))).toBe(0n);
  // 375.00 of principal and the other 12.50 of fee: the 400.00 paid, all back.
  expect(cents((await wallet(t, user)).balance.amount)).toBe(40_000n);
  expect(discountBefore - (await discountIncome(t))).toBe(500n);
  expect(await merchantBalance(t, shop)).toBe(0n);
  const after = await getLine(t, user, line.id);
  expect(after.used.amount).toBe('0.00');
  expect(cents(after.available.amount)).toBe(limit);
  const plans = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/plans`,
    headers: user.headers,
  });
  expect(plans.json().items[0]).toMatchObject({ status: 'refunded', chargeRefunded: cny('75.00') });
  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  const refunds = history.json().items.filter((e: { kind: string }) => e.kind === 'refund');
  expect(refunds.map((e: { details: { toWallet: string } }) => e.details.toWallet)).toEqual([
    '387.50',
    '12.50',
  ]);
  await checkCreditLines(t);
});
