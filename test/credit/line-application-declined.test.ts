import { afterAll, beforeAll, expect, it } from 'vitest';
import { cny, customerWithLine } from '../support/credit.ts';
import { borrower, nextAddress } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * Applications the line graph does not grant: identity not verified, debt over half the income
 * (declined with the engine's reason, no ledger accounts), and a second line while one is open.
 */
let t: TestApp;

beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const apply = (headers: Record<string, string>, income: string, debt: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/credit/lines',
    headers,
    remoteAddress: nextAddress(),
    payload: { monthlyIncome: cny(income), monthlyDebt: cny(debt), employmentYears: 6 },
  });

it('refuses a customer whose identity is not verified', async () => {
  const user = await signUp(t);
  const response = await apply(user.headers, '20000.00', '0.00');
  expect(response.statusCode).toBe(422);
  expect(response.json().error.code).toBe('kyc_required');
});

it('declines with the line graph reasons and opens no account', async () => {
  const user = await borrower(t);
  const response = await apply(user.headers, '20000.00', '15000.00');
  expect(response.statusCode, response.body).toBe(201);
  const { line, decision } = response.json();
  expect(decision.outcome).toBe('decline');
  expect(decision.graph.name).toBe('credit-line-policy');
  expect(line.status).toBe('declined');
  expect(line.reasons).toContain('debt_to_income_over_50_percent');
  expect(line.limit).toBeNull();
  expect(await t.platform.ledger.getAccount(`line:${line.id}:available`)).toBeUndefined();
});

it('refuses a second line while one is open', async () => {
  const { user } = await customerWithLine(t);
  const again = await apply(user.headers, '20000.00', '500.00');
  expect(again.statusCode).toBe(409);
  expect(again.json().error.code).toBe('line_already_open');
});
