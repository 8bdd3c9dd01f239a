import { expect } from 'vitest';
import { CNY, formatAmount, parseAmount } from '../../src/kernel/index.ts';
import { closeTo, eveningOf } from './batch.ts';
import { staffMember } from './credit.ts';
import { fund, investor } from './lending.ts';
import type { TestApp } from './platform.ts';
import type { TestUser } from './users.ts';

/**
 * Shared fixtures for wealth's scenarios (issue 18): investors of a chosen class with money in the
 * wallet, the money-market fund's orders through the API, operations staff, moving the clock to a
 * moment in Shanghai. Additive: other wealth tests import these.
 */
export { closeTo, eveningOf, fund };

export const cny = (amount: string) => ({ amount, currency: 'CNY' });
/** "12.34" → 1234n, exactly. */
export function cents(amount: string): bigint {
  const parsed = parseAmount(amount, CNY, { allowNegative: true });
  if (!parsed.ok) throw new Error(`not an amount: ${amount}`);
  return parsed.value;
}
export const yuan = (minor: bigint) => formatAmount(minor, CNY);

/** Answer sets of the questionnaire: C1 (10 points, not the lowest), C3 (20), C5 (32). */
export const CLASS_ANSWERS = {
  c1: [2, 1, 1, 1, 1, 1, 1, 2],
  c3: [3, 3, 3, 3, 2, 2, 2, 2],
  c5: [4, 4, 4, 4, 4, 4, 4, 4],
} as const;

/** A verified investor who took the questionnaire (C3 by default) with `balance` in the wallet. */
export function wealthInvestor(
  t: TestApp,
  balance = '100000.00',
  answers: readonly number[] = CLASS_ANSWERS.c3,
): Promise<TestUser> {
  return investor(t, balance, [...answers]);
}

/** A member of staff in operations (wealth:read and wealth:manage). */
export function operationsStaff(t: TestApp): Promise<TestUser> {
  return staffMember(t, ['operations']);
}

/**
 * Moves the wall clock forward to a moment given in Shanghai time, e.g. at(t, '2026-01-05 16:00').
 * It never goes back; the business date only moves with day-close (closeTo).
 */
export function at(t: TestApp, shanghai: string): void {
  const target = Date.parse(`${shanghai.replace(' ', 'T')}:00+08:00`);
  const now = t.clock.now().getTime();
  if (target < now) throw new Error(`the clock cannot go back to ${shanghai}`);
  t.clock.advanceMs(target - now);
}

export function api(t: TestApp, user: TestUser | { headers: Record<string, string> }) {
  return {
    get: (url: string) => t.app.inject({ method: 'GET', url, headers: user.headers }),
    post: (url: string, payload: unknown, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { ...user.headers, ...headers },
        payload: payload as object,
      }),
  };
}

export interface MmfOrderJson {
  id: string;
  kind: 'subscription' | 'redemption';
  mode: 'normal' | 'quick' | null;
  amount: { amount: string; currency: string };
  businessDate: string;
  tradeDate: string;
  confirmDate: string | null;
  payDate: string | null;
  status: 'pending' | 'completed';
  acknowledgementId: string | null;
}

/** Subscribes to the money-market fund (the platform's by default); the raw response. */
export function subscribeMmf(
  t: TestApp,
  user: TestUser,
  amount: string,
  extra: { productId?: string; acknowledgeRisk?: boolean } = {},
) {
  return api(t, user).post('/v1/wealth/mmf/subscriptions', { amount: cny(amount), ...extra });
}

/** Subscribes and expects it to be taken; the order. */
export async function subscribed(t: TestApp, user: TestUser, amount: string): Promise<MmfOrderJson> {
  const response = await subscribeMmf(t, user, amount);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export function redeemMmf(t: TestApp, user: TestUser, units: string, mode: 'normal' | 'quick') {
  return api(t, user).post('/v1/wealth/mmf/redemptions', { units: cny(units), mode });
}

export interface MmfHoldingJson {
  holdingId: string | null;
  units: { amount: string };
  available: { amount: string };
  frozen: { amount: string };
  pendingSubscriptions: MmfOrderJson[];
  pendingRedemptions: MmfOrderJson[];
  orders: MmfOrderJson[];
}

export async function mmfHolding(t: TestApp, user: TestUser): Promise<MmfHoldingJson> {
  const response = await api(t, user).get('/v1/me/wealth/mmf');
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** The wallet's available money, in cents. */
export async function walletCents(t: TestApp, user: TestUser): Promise<bigint> {
  const response = await api(t, user).get('/v1/me/wallet');
  expect(response.statusCode, response.body).toBe(200);
  return cents(response.json().available.amount);
}

/** Operations tops up the fund's liquidity for quick redemptions. */
export async function topUpLiquidity(t: TestApp, staff: TestUser, amount: string, reason = 'test float') {
  const response = await api(t, staff).post('/v1/wealth/ops/mmf/liquidity/top-up', {
    amount: cny(amount),
    reason,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/**
 * An investor who subscribed `units` of the platform's money-market fund now, with `walletLeft`
 * still in the wallet; the units are theirs once the caller closes the day before the confirm date.
 */
export async function mmfHolder(t: TestApp, units: string, walletLeft = '0.00'): Promise<TestUser> {
  const user = await wealthInvestor(t, yuan(cents(units) + cents(walletLeft)));
  await subscribed(t, user, units);
  return user;
}

/** Asserts the ledger verifies with no problem. */
export async function ledgerVerifies(t: TestApp): Promise<void> {
  const report = await t.platform.ledger.verify();
  expect(report.problems).toEqual([]);
}
