import { sql } from 'kysely';
import { expect } from 'vitest';
import { MERCHANT_DISCOUNT_INCOME_ACCOUNT } from '../../src/credit/accounts.ts';
import { merchantAccountId } from '../../src/payments/index.ts';
import { cents, cny, post } from './credit.ts';
import type { TestApp } from './platform.ts';
import { latestCode, newCardNumber, newPhone, type TestUser, verifiedCustomer } from './users.ts';

/** Helpers for paying merchants with a credit line: a shop, its orders, paying them with credit. */
export const PAYMENT_PASSWORD = '135790';

export interface Shop extends TestUser {
  readonly merchantId: string;
  readonly name: string;
}

/** A verified customer who opens a merchant account. */
export async function openShop(t: TestApp, name = '街角书店 Corner Books'): Promise<Shop> {
  const owner = await verifiedCustomer(t);
  const opened = await post(t, owner, '/v1/merchants', { name });
  expect(opened.statusCode, opened.body).toBe(201);
  return { ...owner, merchantId: opened.json().id, name };
}

/** An order of the shop to be paid, e.g. "1234.56"; its id. */
export async function orderOf(
  t: TestApp,
  shop: Shop,
  amount: string,
  description = 'Books',
): Promise<string> {
  const created = await post(t, shop, '/v1/merchant/orders', { amount: cny(amount), description });
  expect(created.statusCode, created.body).toBe(201);
  return created.json().id as string;
}

export async function setPaymentPassword(t: TestApp, user: TestUser): Promise<void> {
  const set = await post(t, user, '/v1/me/payment-password', {
    paymentPassword: PAYMENT_PASSWORD,
    accountPassword: user.password,
  });
  expect(set.statusCode, set.body).toBeLessThan(300);
}

export function payWithCredit(
  t: TestApp,
  user: TestUser,
  lineId: string,
  orderId: string,
  instalments: number,
  paymentPassword: string | null = PAYMENT_PASSWORD,
) {
  return post(t, user, `/v1/credit/lines/${lineId}/purchases`, {
    orderId,
    instalments,
    ...(paymentPassword === null ? {} : { paymentPassword }),
  });
}

export function refund(t: TestApp, shop: Shop, orderId: string, amount: string) {
  return post(t, shop, `/v1/merchant/orders/${orderId}/refunds`, { amount: cny(amount) });
}

/** A posted balance as its account's normal side has it (credit-normal accounts: credits − debits). */
export async function creditBalance(t: TestApp, accountId: string): Promise<bigint> {
  const account = await t.platform.ledger.getAccount(accountId);
  return account ? account.creditsPosted - account.debitsPosted : 0n;
}

export const merchantBalance = (t: TestApp, shop: Shop) =>
  creditBalance(t, merchantAccountId(shop.merchantId));
export const discountIncome = (t: TestApp) => creditBalance(t, MERCHANT_DISCOUNT_INCOME_ACCOUNT);

/** round_half_up(amount × rate) for a rate of up to 6 places, in integers, apart from the code under test. */
export function halfUp(amountCents: bigint, rate: string): bigint {
  const [whole = '0', fraction = ''] = rate.split('.');
  const scale = 10n ** BigInt(fraction.length);
  return (2n * amountCents * BigInt(whole + fraction) + scale) / (2n * scale);
}

/** The status and method of a payment order, read from its table. */
export async function orderState(t: TestApp, orderId: string) {
  const rows = await sql<{ status: string; method: string | null }>`select status, method from payment_orders
    where id = ${orderId}::uuid`.execute(t.platform.db);
  return rows.rows[0]!;
}

/**
 * After every step: the ledger verifies and, for every line, limit = available + used, used is what
 * the line lent and has not had back (cash-draw principal + unbilled + statements' unpaid principal),
 * and nothing is negative.
 */
export async function checkCreditLines(t: TestApp): Promise<void> {
  const report = await t.platform.ledger.verify();
  expect(report.problems, JSON.stringify(report.problems.slice(0, 3))).toEqual([]);
  const lines = await sql<{ id: string }>`select id from credit_lines
    where status in ('active', 'frozen', 'closed')`.execute(t.platform.db);
  for (const { id } of lines.rows) {
    const b = await t.platform.credit.balances(id);
    expect(b.available + b.used, `line ${id}`).toBe(b.limit);
    expect(b.used, `line ${id}`).toBe(b.principal + b.unbilled + b.billedPrincipal);
    expect(b.available >= 0n && b.used >= 0n && b.unbilled >= 0n).toBe(true);
  }
}

/** Binds and confirms a bank card for the user; its id. */
export async function bindCard(t: TestApp, user: TestUser): Promise<string> {
  const reservedPhone = newPhone();
  const card = await post(t, user, '/v1/me/cards', { cardNumber: newCardNumber(), reservedPhone });
  expect(card.statusCode, card.body).toBe(201);
  const code = await latestCode(t, reservedPhone);
  const confirmed = await post(t, user, `/v1/me/cards/${card.json().id}/confirm`, { code });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  t.clock.advanceSeconds(61);
  return card.json().id as string;
}

export { cents };
