import { sql } from 'kysely';
import { expect } from 'vitest';
import { borrower, nextAddress } from './lending.ts';
import { asAdmin, type TestApp } from './platform.ts';
import { newPhone, type TestUser } from './users.ts';

/** Helpers for the consumer-credit scenarios: a customer granted a line, and the line's invariants. */
export const cny = (amount: string) => ({ amount, currency: 'CNY' });

export interface LineJson {
  id: string;
  status: string;
  dailyRate: string;
  limit: { amount: string };
  available: { amount: string };
  used: { amount: string };
  owed: { principal: { amount: string }; interest: { amount: string } };
  pricing: {
    dailyRate: string;
    annualRate: string;
    drawApr: string;
    instalments: { months: number; feeRate: string; apr: string }[];
  };
  [key: string]: unknown;
}

/** A verified customer (lending's borrower, scored the same every run) who applies with a good income from an address of their own, and is granted a line. */
export async function customerWithLine(t: TestApp): Promise<{ user: TestUser; line: LineJson }> {
  const user = await borrower(t);
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/credit/lines',
    headers: user.headers,
    remoteAddress: nextAddress(),
    payload: { monthlyIncome: cny('20000.00'), monthlyDebt: cny('500.00'), employmentYears: 6 },
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json();
  expect(body.decision.outcome, JSON.stringify(body.decision)).toBe('approve');
  expect(body.line.status).toBe('active');
  return { user, line: body.line as LineJson };
}

/** Signs in again: a session ends after days idle, and these scenarios run over days. */
export async function signInAgain(t: TestApp, user: TestUser): Promise<TestUser> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-in',
    payload: { phone: user.phone, password: user.password },
  });
  expect(response.statusCode, response.body).toBe(200);
  const token = response.json().token as string;
  return { ...user, token, headers: { authorization: `Bearer ${token}` } };
}

export async function getLine(t: TestApp, user: TestUser, lineId: string): Promise<LineJson> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${lineId}`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as LineJson;
}

export function post(t: TestApp, user: TestUser, url: string, payload: unknown) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: user.headers,
    payload: payload as Record<string, unknown>,
  });
}

/** Whole cents of "12.34". */
export const cents = (amount: string) => BigInt(amount.replace('.', ''));

/** principal × daily rate, rounded half up to the cent: computed in integers, apart from the code under test. */
export function dayInterest(principalCents: bigint, dailyRate: string): bigint {
  const [whole = '0', fraction = ''] = dailyRate.split('.');
  const scale = 10n ** BigInt(fraction.length);
  const numerator = BigInt(whole + fraction);
  return (2n * principalCents * numerator + scale) / (2n * scale);
}

/**
 * After every step: the ledger verifies, and for every line limit = available + used (the memo
 * accounts balance), used equals the principal owed, and nothing is negative.
 */
export async function checkLines(t: TestApp): Promise<void> {
  const { ledger, credit, db } = t.platform;
  const report = await ledger.verify();
  expect(report.problems, JSON.stringify(report.problems.slice(0, 3))).toEqual([]);
  const lines = await sql<{
    id: string;
  }>`select id from credit_lines where status in ('active', 'frozen', 'closed')`.execute(db);
  for (const { id } of lines.rows) {
    const b = await credit.balances(id);
    expect(b.available + b.used, `line ${id}`).toBe(b.limit);
    expect(b.used).toBe(b.principal);
    expect(b.available >= 0n && b.used >= 0n && b.interest >= 0n).toBe(true);
  }
}

/** A member of staff with these roles, signed in. */
export async function staffMember(t: TestApp, roles: string[]): Promise<TestUser> {
  const phone = newPhone();
  const password = 'staff-pass-123';
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/staff',
    headers: asAdmin,
    payload: { phone, password, displayName: roles.join(' '), roles },
  });
  expect(created.statusCode, created.body).toBe(201);
  return signInAgain(t, {
    phone,
    password,
    userId: created.json().userId,
    token: '',
    headers: { authorization: '' },
  });
}

/** "12.34" of whole cents. */
export const yuanText = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
