import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DomainError } from '../../src/kernel/index.ts';
import { customerWithLine, type LineJson, yuanText } from '../support/credit.ts';
import {
  cents,
  checkCreditLines,
  halfUp,
  merchantBalance,
  openShop,
  orderOf,
  PAYMENT_PASSWORD,
  type Shop,
  setPaymentPassword,
} from '../support/credit-purchases.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * 100 purchases at once against one line, each paying its own order and together worth 2.5 times
 * the limit (on PostgreSQL side by side on as many connections): no more than the limit is ever
 * lent, every refusal is exceeds_available_credit and charges nothing (its order stays payable, no
 * plan, the merchant not paid for it), and afterwards limit = available + used.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
let shop: Shop;

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
  await setPaymentPassword(t, user);
  shop = await openShop(t);
});
afterAll(() => t.close());

it('never lends beyond the limit, and a refused purchase charges nothing', async () => {
  const limit = cents(line.limit.amount);
  const each = limit / 40n;
  const orders: string[] = [];
  for (let k = 0; k < 100; k++) orders.push(await orderOf(t, shop, yuanText(each), `Order ${k}`));
  const counts = [1, 3, 6, 12];
  const results = await Promise.allSettled(
    orders.map((orderId, k) =>
      t.platform.credit.purchase(user.userId, line.id, {
        orderId,
        instalments: counts[k % 4]!,
        paymentPassword: PAYMENT_PASSWORD,
      }),
    ),
  );
  const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  for (const e of refusals) expect((e as DomainError).code, String(e)).toBe('exceeds_available_credit');
  expect(refusals.every((e) => e instanceof DomainError)).toBe(true);
  const bought = results.flatMap((r, k) => (r.status === 'fulfilled' ? [orders[k]!] : []));
  expect(bought).toHaveLength(40);

  const balances = await t.platform.credit.balances(line.id);
  expect(balances.used).toBe(each * 40n);
  expect(balances.unbilled).toBe(each * 40n);
  expect(balances.available).toBe(limit - each * 40n);
  expect(balances.available + balances.used).toBe(balances.limit);
  // The merchant was paid for the 40, each less its discount, and for nothing else.
  expect(await merchantBalance(t, shop)).toBe(40n * (each - halfUp(each, '0.006')));

  const states = await sql<{ id: string; status: string; method: string | null }>`select id, status, method
    from payment_orders where id = any(${orders}::uuid[])`.execute(t.platform.db);
  const byId = new Map(states.rows.map((r) => [r.id, r]));
  const paid = new Set(bought);
  for (const id of orders)
    expect(byId.get(id), id).toMatchObject(
      paid.has(id) ? { status: 'succeeded', method: 'credit' } : { status: 'awaiting_payment', method: null },
    );
  const plans = await t.platform.credit.plans(line.id);
  expect(plans).toHaveLength(40);
  expect(new Set(plans.map((p) => p.orderId))).toEqual(paid);
  expect(plans.reduce((sum, p) => sum + p.principal, 0n)).toBe(each * 40n);
  await checkCreditLines(t);
});
