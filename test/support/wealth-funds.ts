import { sql } from 'kysely';
import { expect } from 'vitest';
import { uuidv7 } from '../../src/kernel/index.ts';
import { closeTo } from './batch.ts';
import { cny } from './lending.ts';
import { asAdmin, type TestApp } from './platform.ts';
import type { TestUser } from './users.ts';

/** Fixtures of the distributed-fund scenarios (test/wealth/funds-*.test.ts). */

export const defaultFundTerms = (fundCode: string) => ({
  fundCode,
  manager: '易方达基金',
  subscriptionFeeTiers: [
    { upTo: '1000000.00', rate: '0.015' },
    { upTo: '5000000.00', rate: '0.012' },
    { upTo: null, rate: '0.006' },
  ],
  platformDiscount: '0.1',
  redemptionFeeTiers: [
    { heldDaysUnder: 7, rate: '0.015' },
    { heldDaysUnder: 365, rate: '0.005' },
    { heldDaysUnder: null, rate: '0' },
  ],
  settlementDays: 2,
  minSubscription: '10.00',
});

/**
 * A published mutual fund written straight into wealth_products (the products workflow is another
 * part's): product code = fund code, R3 unless told.
 */
export async function createFund(
  t: TestApp,
  fundCode: string,
  options: { riskLevel?: number; allowOverride?: boolean; terms?: Record<string, unknown> } = {},
): Promise<string> {
  const id = uuidv7();
  const now = t.clock.now();
  const terms = { ...defaultFundTerms(fundCode), ...options.terms };
  await sql`insert into wealth_products (id, code, kind, name_zh, name_en, risk_level, allow_override, status,
      terms, created_at, updated_at, published_at)
    values (${id}, ${fundCode}, 'mutual_fund', ${`测试基金${fundCode}`}, ${`Test fund ${fundCode}`},
      ${options.riskLevel ?? 3}, ${options.allowOverride ?? false}, 'published', ${JSON.stringify(terms)}::jsonb,
      ${now}, ${now}, ${now})`.execute(t.platform.db);
  return id;
}

/** Moves the wall clock forward to `hhmm` Shanghai time (UTC+8) on `date`. */
export function at(t: TestApp, date: string, hhmm: string): void {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const utc = Date.parse(`${date}T00:00:00Z`) + ((h - 8) * 60 + m) * 60_000;
  const now = t.clock.now().getTime();
  expect(utc, `the clock moves forward only (to ${date} ${hhmm})`).toBeGreaterThanOrEqual(now);
  t.clock.advanceMs(utc - now);
}

/**
 * Operations enter a NAV. The business date's own NAV is published only after its 15:00 cut-off
 * (the unknown-price rule), so for it the clock moves to 15:30 first, as an evening's entry.
 */
export async function enterNav(t: TestApp, fundCode: string, date: string, nav: string) {
  if (date === t.platform.clock.businessDate() && t.clock.now().getTime() < Date.parse(`${date}T07:30:00Z`))
    at(t, date, '15:30');
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/wealth/ops/funds/navs',
    headers: asAdmin,
    payload: { fundCode, date, nav },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

export async function subscribeTo(t: TestApp, user: TestUser, fund: string, amount: string, extra = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/wealth/funds/${fund}/subscriptions`,
    headers: user.headers,
    payload: { amount: cny(amount), ...extra },
  });
}

export async function redeemFrom(t: TestApp, user: TestUser, fund: string, units: string) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/wealth/funds/${fund}/redemptions`,
    headers: user.headers,
    payload: { units },
  });
}

export async function myFunds(t: TestApp, user: TestUser) {
  const response = await t.app.inject({ method: 'GET', url: '/v1/me/wealth/funds', headers: user.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    holdings: {
      fund: { fundCode: string };
      units: string;
      available: string;
      marketValue: { amount: string } | null;
      cost: { amount: string };
      profit: { amount: string } | null;
      pendingOrders: { id: string; status: string }[];
    }[];
    orders: Record<string, unknown>[];
  };
}

/** Closes business dates up to and including `date` (each in its evening). */
export const closeThrough = closeTo;

/** Cents of a "123.45" string (money or units). */
export const hundredths = (text: string) => {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  return negative ? -value : value;
};

/** "123.45" of hundredths. */
export const text2 = (value: bigint) => {
  const negative = value < 0n;
  const v = negative ? -value : value;
  return `${negative ? '-' : ''}${v / 100n}.${String(v % 100n).padStart(2, '0')}`;
};
