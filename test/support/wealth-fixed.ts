import { expect } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { staffMember } from './credit.ts';
import { cny, minor } from './lending.ts';
import type { TestApp } from './platform.ts';
import type { TestUser } from './users.ts';

/** Helpers for the fixed-term scenarios (docs/wealth-fixed-term.md). */

export interface OpsTeam {
  readonly writer: TestUser;
  readonly approver: TestUser;
}

/** Two members of operations: one writes and publishes products, the other approves them. */
export async function opsTeam(t: TestApp): Promise<OpsTeam> {
  return { writer: await staffMember(t, ['operations']), approver: await staffMember(t, ['operations']) };
}

/** Terms raising from `start` for `raiseDays`, valued the day after, `termDays` long. */
export function fixedTerms(
  start: PlainDate | string,
  overrides: Record<string, unknown> = {},
  raiseDays = 2,
  termDays = 30,
): Record<string, unknown> {
  const raiseEnd = addDays(start as PlainDate, raiseDays - 1);
  const valueDate = addDays(raiseEnd, 1);
  return {
    annualRate: '0.0385',
    dayCount: 'actual/365',
    raiseStart: start,
    raiseEnd,
    valueDate,
    maturityDate: addDays(valueDate, termDays),
    minTotal: '20000.00',
    maxTotal: '100000.00',
    minPurchase: '1000.00',
    step: '100.00',
    perInvestorCap: '50000.00',
    earlyRedemption: null,
    ...overrides,
  };
}

let codes = 0;
export function nextCode(): string {
  codes += 1;
  return `FT-${process.pid}-${codes}`;
}

export function staffPost(t: TestApp, user: TestUser, url: string, payload?: unknown) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: user.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** Drafts, approves (by the second person) and publishes a fixed-term product; returns its JSON. */
export async function publishFixed(
  t: TestApp,
  team: OpsTeam,
  terms: Record<string, unknown>,
  options: { riskLevel?: number; allowOverride?: boolean; code?: string } = {},
) {
  const created = await staffPost(t, team.writer, '/v1/wealth/ops/products', {
    code: options.code ?? nextCode(),
    kind: 'fixed_term',
    nameZh: '稳健定期',
    nameEn: 'Steady fixed term',
    riskLevel: options.riskLevel ?? 2,
    allowOverride: options.allowOverride ?? false,
    terms,
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const approved = await staffPost(t, team.approver, `/v1/wealth/ops/products/${id}/approve`);
  expect(approved.statusCode, approved.body).toBe(200);
  const published = await staffPost(t, team.writer, `/v1/wealth/ops/products/${id}/publish`);
  expect(published.statusCode, published.body).toBe(200);
  return published.json() as { id: string; code: string; terms: Record<string, unknown> };
}

export function buy(
  t: TestApp,
  user: TestUser,
  productId: string,
  amount: string,
  extra: Record<string, unknown> = {},
) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/wealth/fixed/${productId}/purchases`,
    headers: user.headers,
    payload: { amount: cny(amount), ...extra },
  });
}

/** The wallet's balance in cents. */
export async function walletCents(t: TestApp, user: TestUser): Promise<bigint> {
  return (await t.platform.payments.wallet(user.userId)).balance;
}

/** A ledger account's credit balance (credits − debits, posted), in minor units. */
export async function creditBalance(t: TestApp, accountId: string): Promise<bigint> {
  const account = await t.platform.ledger.getAccount(accountId);
  if (!account) throw new Error(`no account ${accountId}`);
  return account.creditsPosted - account.debitsPosted;
}

export async function positions(t: TestApp, user: TestUser) {
  const response = await t.app.inject({ method: 'GET', url: '/v1/me/wealth/fixed', headers: user.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as Array<{
    product: { id: string };
    raiseState: string;
    holdingId: string | null;
    principal: { amount: string };
    expectedInterest: { amount: string };
    purchases: Array<{ id: string; status: string; settledOn: string | null; amount: { amount: string } }>;
    settlement: null | {
      kind: string;
      principal: { amount: string };
      interest: { amount: string };
      fee: { amount: string };
      net: { amount: string };
      days: number;
      businessDate: string;
    };
  }>;
}

/**
 * Simple interest recomputed independently of the code under test: principal × rate × days ÷ 365,
 * half-up to the cent, with the rate given in basis points of a hundredth (0.0385 → 385 / 10,000).
 */
export function interestHalfUp(
  principalCents: bigint,
  rateTenThousandths: bigint,
  days: number,
  basis = 365,
): bigint {
  const numerator = principalCents * rateTenThousandths * BigInt(days);
  const denominator = 10_000n * BigInt(basis);
  return (numerator * 2n + denominator) / (2n * denominator);
}

export { minor };
