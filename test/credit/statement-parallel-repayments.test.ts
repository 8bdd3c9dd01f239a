import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  cny,
  customerWithLine,
  getLine,
  type LineJson,
  planOnLine,
  post,
  setBilling,
  signInAgain,
  statementsOf,
  yuanText,
} from '../support/credit.ts';
import { fund, wallet } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Twelve repayments at once against a statement and a cash draw (on PostgreSQL truly in parallel):
 * the line's row lock makes them one at a time, so exactly as many succeed as what is payable
 * allows, the rest are refused with `repayment_exceeds_debt`, the wallet pays exactly what was
 * applied, and the statement is paid off oldest part first.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
});
afterAll(() => t.close());

it('never applies more than is payable, however many repayments arrive at once', {
  timeout: 180_000,
}, async () => {
  await setBilling(t, user, line.id, { statementDay: 6 });
  await planOnLine(t, user.userId, line.id, {
    kind: 'purchase',
    principal: 250_000n,
    instalments: 1,
    feeRate: '0',
  });
  await closeTo(t, '2026-01-06');
  user = await signInAgain(t, user);
  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('1000.00') });
  expect(drawn.statusCode, drawn.body).toBe(201);
  await fund(t, user.userId, '10000.00');
  const owed = (await getLine(t, user, line.id)).owed;
  expect(owed.unbilled.amount).toBe('0.00');
  const payable = cents(owed.principal.amount) + cents(owed.interest.amount) + cents(owed.billed.amount);
  expect(payable).toBe(350_000n);
  const before = cents((await wallet(t, user)).balance.amount);

  const each = 40_000n;
  const results = await Promise.all(
    Array.from({ length: 12 }, () =>
      post(t, user, `/v1/credit/lines/${line.id}/repayments`, { amount: cny(yuanText(each)) }),
    ),
  );
  const ok = results.filter((r) => r.statusCode === 201);
  const refused = results.filter((r) => r.statusCode !== 201);
  expect(ok).toHaveLength(Number(payable / each));
  for (const r of refused) {
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().error.code).toBe('repayment_exceeds_debt');
  }
  const applied = each * BigInt(ok.length);
  expect(before - cents((await wallet(t, user)).balance.amount)).toBe(applied);
  // The statement first (the first seven repayments cover 2,500.00 of it), then the draw.
  const [statement] = await statementsOf(t, user, line.id);
  expect(statement).toMatchObject({ status: 'paid', unpaid: cny('0.00') });
  const after = await getLine(t, user, line.id);
  expect(cents(after.owed.principal.amount)).toBe(payable - applied);
  expect(cents(after.available.amount)).toBe(cents(after.limit.amount) - (payable - applied));
  await checkLines(t);
});
