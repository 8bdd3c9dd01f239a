import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  customerWithLine,
  getLine,
  halfUp,
  type LineJson,
  minimumPayment,
  planOnLine,
  post,
  repayCents,
  setBilling,
  signInAgain,
  statementOf,
  statementsOf,
} from '../support/credit.ts';
import { fund } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A statement converted into instalments (账单分期): a purchase of 6,000.00 billed on the 6th; the
 * customer repays 1,000.00 of it and converts the 5,000.00 left into 3 instalments at 2.5% before the
 * due date. The first instalment is billed at once onto the same statement, whose minimum payment is
 * recomputed; the next two are billed on the next two statements; all paid on time, no penalty.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
});
afterAll(() => t.close());

function split(total: bigint, n: bigint): bigint[] {
  const each = total / n;
  return Array.from({ length: Number(n) }, (_, k) => (k === 0 ? total - each * (n - 1n) : each));
}

it('converts the unpaid principal of a statement into 3 instalments billed month by month', {
  timeout: 300_000,
}, async () => {
  await setBilling(t, user, line.id, { statementDay: 6 });
  await planOnLine(t, user.userId, line.id, {
    kind: 'purchase',
    principal: 600_000n,
    instalments: 1,
    feeRate: '0',
  });
  await closeTo(t, '2026-01-06');
  user = await signInAgain(t, user);
  await fund(t, user.userId, '3000.00');
  await repayCents(t, user, line.id, 100_000n);
  const [s] = await statementsOf(t, user, line.id);
  expect(s).toMatchObject({ status: 'open', convertible: true, dueOn: '2026-01-15' });

  // Not offered: 4 months (the schema's 400); a statement of someone else's line: not found.
  const four = await post(t, user, `/v1/credit/lines/${line.id}/statements/${s!.id}/convert`, { months: 4 });
  expect(four.statusCode).toBe(400);

  const converted = await post(t, user, `/v1/credit/lines/${line.id}/statements/${s!.id}/convert`, {
    months: 3,
  });
  expect(converted.statusCode, converted.body).toBe(201);
  const X = 500_000n;
  const fee = halfUp(X, '0.025');
  const principals = split(X, 3n);
  const fees = split(fee, 3n);
  const { statement, plan } = converted.json();
  expect(plan).toMatchObject({
    kind: 'statement_instalments',
    instalments: 3,
    principal: { amount: '5000.00' },
  });
  expect(cents(plan.charge.amount)).toBe(fee);
  expect(plan.schedule.map((i: { billed: boolean }) => i.billed)).toEqual([true, false, false]);
  // The statement now bills the 1,000.00 repaid and the first instalment, with its fee.
  expect(statement.status).toBe('converted');
  expect(statement.convertible).toBe(false);
  expect(cents(statement.billed.principal.amount)).toBe(100_000n + principals[0]!);
  expect(cents(statement.billed.fees.amount)).toBe(fees[0]);
  expect(cents(statement.unpaid.amount)).toBe(principals[0]! + fees[0]!);
  expect(cents(statement.minPayment.amount)).toBe(
    minimumPayment('0.10', { principal: 100_000n + principals[0]!, fees: fees[0]!, interest: 0n }, 0n),
  );
  expect(statement.items.map((i: { kind: string }) => i.kind)).toContain('converted');
  // Once per statement.
  const again = await post(t, user, `/v1/credit/lines/${line.id}/statements/${s!.id}/convert`, { months: 6 });
  expect(again.statusCode).toBe(422);
  expect(again.json().error.code).toBe('statement_already_converted');
  // The principal converted is owed (unbilled) and still uses the credit.
  const now = await getLine(t, user, line.id);
  expect(cents(now.owed.unbilled.amount)).toBe(principals[1]! + principals[2]!);
  expect(cents(now.used.amount)).toBe(X);
  await checkLines(t);

  // Each statement paid in full by its due date.
  await repayCents(t, user, line.id, principals[0]! + fees[0]!);
  for (const [k, date] of [
    [1, '2026-02-06'],
    [2, '2026-03-06'],
  ] as const) {
    await closeTo(t, date);
    user = await signInAgain(t, user);
    const [next] = await statementsOf(t, user, line.id);
    expect(next!.statementDate).toBe(date);
    expect(cents(next!.billed.principal.amount)).toBe(principals[k]);
    expect(cents(next!.billed.fees.amount)).toBe(fees[k]);
    const detail = await statementOf(t, user, line.id, next!.id);
    expect(detail.items!.map((i) => i.description)).toContain(`converted statement ${k + 1}/3`);
    await repayCents(t, user, line.id, principals[k]! + fees[k]!);
    await checkLines(t);
  }
  await closeTo(t, '2026-03-20');
  user = await signInAgain(t, user);
  const all = await statementsOf(t, user, line.id);
  expect(all.map((x) => x.status)).toEqual(['paid', 'paid', 'paid']);
  expect(all.every((x) => x.billed.penalty.amount === '0.00')).toBe(true);
  const plans = await sql<{ kind: string; status: string }>`select kind, status from credit_plans
    order by created_at`.execute(t.platform.db);
  expect(plans.rows).toEqual([
    { kind: 'purchase', status: 'completed' },
    { kind: 'statement_instalments', status: 'completed' },
  ]);
  const feeIncome = await t.platform.ledger.getAccount('platform:credit-fee-income:CNY');
  expect(feeIncome!.creditsPosted - feeIncome!.debitsPosted).toBe(fee);
  const after = await getLine(t, user, line.id);
  expect(after.available).toEqual(after.limit);
  await checkLines(t);
});
