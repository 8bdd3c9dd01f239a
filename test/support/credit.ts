import { sql } from 'kysely';
import { expect } from 'vitest';
import {
  CreditCode,
  createLineAccounts,
  lineAccount,
  post as postTransfers,
} from '../../src/credit/accounts.ts';
import { createPlan } from '../../src/credit/plans.ts';
import { inTransaction } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/kernel/index.ts';
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
  owed: {
    principal: { amount: string };
    interest: { amount: string };
    unbilled: { amount: string };
    billed: { amount: string };
    total: { amount: string };
  };
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
    // Credit in use is principal owed: cash draws, plans not yet billed, and principal on statements.
    expect(b.used).toBe(b.principal + b.unbilled + b.billedPrincipal);
    expect(b.available >= 0n && b.used >= 0n && b.interest >= 0n && b.unbilled >= 0n && b.billed >= 0n).toBe(
      true,
    );
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

// --- Statements (issue 17): the billing cycle, statements, repayments ---------------------------

export interface MoneyJson {
  amount: string;
  currency: string;
}

export interface StatementJson {
  id: string;
  statementDate: string;
  periodStart: string;
  dueOn: string;
  billed: { principal: MoneyJson; fees: MoneyJson; interest: MoneyJson; penalty: MoneyJson };
  carried: MoneyJson;
  total: MoneyJson;
  minPayment: MoneyJson;
  paid: MoneyJson;
  unpaid: MoneyJson;
  unpaidParts: { penalty: MoneyJson; fees: MoneyJson; interest: MoneyJson; principal: MoneyJson };
  status: string;
  convertible: boolean;
  convertedPlanId: string | null;
  settledOn: string | null;
  items?: { date: string; kind: string; description: string; amount: MoneyJson }[];
  cashDrawBalance?: MoneyJson;
}

/** Sets the line's statement day, grace days or auto-debit; returns the line. */
export async function setBilling(
  t: TestApp,
  user: TestUser,
  lineId: string,
  body: { statementDay?: number; graceDays?: number; autoDebit?: boolean },
): Promise<LineJson> {
  const response = await post(t, user, `/v1/credit/lines/${lineId}/billing`, body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as LineJson;
}

/** The line's statements, newest first. */
export async function statementsOf(t: TestApp, user: TestUser, lineId: string): Promise<StatementJson[]> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${lineId}/statements`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as StatementJson[];
}

export async function statementOf(
  t: TestApp,
  user: TestUser,
  lineId: string,
  id: string,
): Promise<StatementJson> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${lineId}/statements/${id}`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as StatementJson;
}

/** Repays `amountCents` from the wallet and returns the response's JSON (expects 201). */
export async function repayCents(t: TestApp, user: TestUser, lineId: string, amountCents: bigint) {
  const response = await post(t, user, `/v1/credit/lines/${lineId}/repayments`, {
    amount: cny(yuanText(amountCents)),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as {
    amount: string;
    allocation: { penalty: string; fees: string; interest: string; principal: string };
  };
}

/** round_half_up(value × rate) in integers, the rate a decimal string: independent of the code under test. */
export function halfUp(value: bigint, rate: string): bigint {
  return dayInterest(value, rate);
}

/** The minimum payment by the model: half_up(rate × principal billed) + fees + interest billed + carried. */
export function minimumPayment(
  rate: string,
  billed: { principal: bigint; fees: bigint; interest: bigint },
  carried: bigint,
): bigint {
  return halfUp(billed.principal, rate) + billed.fees + billed.interest + carried;
}

/**
 * A plan on the line as a purchase or an instalment draw would make it (for scenarios written before
 * the purchase route): available → used and unbilled → the customer's wallet by its principal, and
 * the plan's rows by createPlan, in one transaction.
 */
export async function planOnLine(
  t: TestApp,
  customerId: string,
  lineId: string,
  input: {
    kind: 'purchase' | 'instalment_purchase';
    principal: bigint;
    instalments: number;
    feeRate: string;
  },
) {
  const { db, ledger, payments, clock } = t.platform;
  const createdOn = await t.platform.batch.businessDate();
  return inTransaction(db, async (trx) => {
    await createLineAccounts(ledger, trx, lineId);
    const wallet = await payments.walletAccount(trx, customerId);
    const transfer = (debit: string, credit: string, code: number) => ({
      id: `test:${uuidv7()}`,
      debitAccountId: debit,
      creditAccountId: credit,
      amount: input.principal,
      ledger: 'CNY',
      code,
      userData: lineId,
    });
    await postTransfers(ledger, trx, [
      transfer(lineAccount.available(lineId), lineAccount.used(lineId), CreditCode.drawLimit),
      transfer(lineAccount.unbilled(lineId), wallet, CreditCode.purchase),
    ]);
    return createPlan({ clock }, trx, { lineId, createdOn, ...input });
  });
}
