import { afterAll, beforeAll, expect, it } from 'vitest';
import { statementAccount } from '../../src/credit/accounts.ts';
import { closeTo } from '../support/batch.ts';
import { customerWithLine, getLine, type LineJson, post, signInAgain } from '../support/credit.ts';
import {
  cents,
  checkCreditLines,
  merchantBalance,
  openShop,
  orderOf,
  payWithCredit,
  refund,
  type Shop,
  setPaymentPassword,
} from '../support/credit-purchases.ts';
import { wallet } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A refund of a purchase whose statement was converted into instalments: 3,000.00 paid in full is
 * billed on 1 February; the customer converts the statement into 3 instalments (its first, 1,000.00
 * and a 25.00 fee, billed at once on the same statement). The merchant refunds it all: 1,000.00 comes
 * off the statement, 2,000.00 off the conversion's unbilled instalments (cancelled, with their fees),
 * nothing goes to the wallet (nothing was paid), and the line is whole again. What stays owed is the
 * conversion fee already billed, 25.00.
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
const plans = async () =>
  (
    await t.app.inject({ method: 'GET', url: `/v1/credit/lines/${line.id}/plans`, headers: user.headers })
  ).json().items as {
    kind: string;
    status: string;
    schedule: { statementId: string | null; cancelled: boolean; principal: { amount: string } }[];
  }[];

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
  await setPaymentPassword(t, user);
  shop = await openShop(t);
});
afterAll(() => t.close());

it('bills the purchase, then converts the statement into 3 instalments', async () => {
  orderId = await orderOf(t, shop, '3000.00');
  expect((await payWithCredit(t, user, line.id, orderId, 1)).statusCode).toBe(201);
  await closeTo(t, '2026-02-01');
  user = await signInAgain(t, user);
  const [purchase] = await plans();
  statementId = purchase!.schedule[0]!.statementId!;
  expect(statementId).toBeTruthy();
  const converted = await post(t, user, `/v1/credit/lines/${line.id}/statements/${statementId}/convert`, {
    months: 3,
  });
  expect(converted.statusCode, converted.body).toBe(201);
  expect(await balance(statementAccount.principal(statementId))).toBe(100_000n);
  expect(await balance(statementAccount.fees(statementId))).toBe(2_500n);
  await checkCreditLines(t);
});

it('a full refund comes off the statement and the conversion, not into the wallet', async () => {
  const limit = cents(line.limit.amount);
  const shopUser = await signInAgain(t, shop);
  const r = await refund(t, { ...shop, ...shopUser }, orderId, '3000.00');
  expect(r.statusCode, r.body).toBe(201);
  expect(await balance(statementAccount.principal(statementId))).toBe(0n);
  expect(await balance(statementAccount.fees(statementId))).toBe(2_500n);
  expect((await wallet(t, user)).balance.amount).toBe('0.00');
  expect(await merchantBalance(t, shop)).toBe(0n);
  const balances = await t.platform.credit.balances(line.id);
  expect(balances.unbilled).toBe(0n);
  expect(balances.used).toBe(0n);
  expect(cents((await getLine(t, user, line.id)).available.amount)).toBe(limit);

  const [conversion, purchase] = await plans();
  expect(purchase).toMatchObject({ kind: 'purchase', status: 'refunded' });
  expect(conversion).toMatchObject({ kind: 'statement_instalments', status: 'completed' });
  expect(conversion!.schedule.map((i) => i.cancelled)).toEqual([false, true, true]);
  expect(conversion!.schedule.map((i) => i.principal.amount)).toEqual(['1000.00', '0.00', '0.00']);
  await checkCreditLines(t);
});
