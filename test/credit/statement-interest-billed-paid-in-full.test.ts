import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  cny,
  customerWithLine,
  dayInterest,
  getLine,
  type LineJson,
  minimumPayment,
  planOnLine,
  post,
  repayCents,
  setBilling,
  signInAgain,
  staffMember,
  statementOf,
  statementsOf,
  yuanText,
} from '../support/credit.ts';
import { fund, wallet } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A cash draw at daily interest and a purchase to pay in full, across a statement date: the
 * statement bills the purchase and the interest accrued, its minimum payment is 10% of the principal
 * billed plus the interest; the customer pays the whole statement by the due date, so it is paid,
 * no penalty accrues, and the purchase never bears interest.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
const DRAW = 1_234_567n;
const PURCHASE = 300_000n;

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
});
afterAll(() => t.close());

it('bills interest and the purchase on the statement date, pays it in full by the due date', {
  timeout: 180_000,
}, async () => {
  const start = (await t.platform.batch.businessDate()) as PlainDate;
  expect(start).toBe('2026-01-05');
  // The cycle: statement on the 10th, due nine days later (the product's default grace).
  const chosen = await setBilling(t, user, line.id, { statementDay: 10, autoDebit: false });
  expect(chosen.billing).toEqual({ statementDay: 10, graceDays: 9, autoDebit: false });
  expect(chosen.nextStatement).toEqual({ date: '2026-01-10', dueOn: '2026-01-19' });
  const outOfBounds = await post(t, user, `/v1/credit/lines/${line.id}/billing`, { graceDays: 2 });
  expect(outOfBounds.statusCode).toBe(422);
  expect(outOfBounds.json().error.code).toBe('grace_days_out_of_bounds');

  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('12345.67') });
  expect(drawn.statusCode, drawn.body).toBe(201);
  await planOnLine(t, user.userId, line.id, {
    kind: 'purchase',
    principal: PURCHASE,
    instalments: 1,
    feeRate: '0',
  });
  await checkLines(t);
  // Nothing billed yet: the purchase is unbilled and cannot be repaid ahead of its statement.
  let now = await getLine(t, user, line.id);
  expect(now.owed).toMatchObject({ unbilled: cny('3000.00'), billed: cny('0.00') });
  await fund(t, user.userId, '5000.00');
  const early = await post(t, user, `/v1/credit/lines/${line.id}/repayments`, { amount: cny('12345.68') });
  expect(early.statusCode).toBe(422);
  expect(early.json().error.code).toBe('repayment_exceeds_debt');

  // Six closes (the 5th to the 10th): six days' interest on the draw, billed on the 10th.
  await closeTo(t, '2026-01-10');
  user = await signInAgain(t, user);
  const daily = dayInterest(DRAW, line.pricing.dailyRate);
  const [statement, ...older] = await statementsOf(t, user, line.id);
  expect(older).toEqual([]);
  expect(statement).toMatchObject({
    statementDate: '2026-01-10',
    periodStart: '2026-01-05',
    dueOn: '2026-01-19',
    status: 'open',
    convertible: true,
  });
  const billedInterest = 6n * daily;
  expect(cents(statement!.billed.interest.amount)).toBe(billedInterest);
  expect(cents(statement!.billed.principal.amount)).toBe(PURCHASE);
  expect(statement!.billed.fees.amount).toBe('0.00');
  const total = PURCHASE + billedInterest;
  expect(cents(statement!.total.amount)).toBe(total);
  expect(cents(statement!.unpaid.amount)).toBe(total);
  expect(cents(statement!.minPayment.amount)).toBe(
    minimumPayment('0.10', { principal: PURCHASE, fees: 0n, interest: billedInterest }, 0n),
  );
  // The detail lists the draw, the purchase billed and the interest; the draw's principal is not billed.
  const detail = await statementOf(t, user, line.id, statement!.id);
  expect(detail.items!.map((i) => i.kind).sort()).toEqual(['draw', 'instalment', 'interest']);
  expect(cents(detail.cashDrawBalance!.amount)).toBe(DRAW);
  now = await getLine(t, user, line.id);
  expect(now.owed).toMatchObject({ unbilled: cny('0.00'), interest: cny('0.00') });
  expect(cents(now.owed.billed.amount)).toBe(total);
  expect(now.nextStatement).toEqual({ date: '2026-02-10', dueOn: '2026-02-19' });
  await checkLines(t);

  // Another customer does not see it; staff with credit:read do.
  const stranger = await customerWithLine(t);
  const hidden = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/statements/${statement!.id}`,
    headers: stranger.user.headers,
  });
  expect(hidden.statusCode).toBe(404);
  expect(hidden.json().error.code).toBe('line_not_found');
  const officer = await staffMember(t, ['risk_officer']);
  const staffView = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/staff/lines/${line.id}/statements`,
    headers: officer.headers,
  });
  expect(staffView.statusCode, staffView.body).toBe(200);
  expect(staffView.json().items[0].id).toBe(statement!.id);
  // The cycle cannot change while the statement is unpaid.
  const change = await post(t, user, `/v1/credit/lines/${line.id}/billing`, { statementDay: 12 });
  expect(change.statusCode).toBe(422);
  expect(change.json().error.code).toBe('cycle_change_while_billed');

  // Paid in full before the due date: the interest billed, then the principal.
  await closeTo(t, '2026-01-15');
  user = await signInAgain(t, user);
  const before = cents((await wallet(t, user)).balance.amount);
  const available = cents((await getLine(t, user, line.id)).available.amount);
  const paid = await repayCents(t, user, line.id, total);
  expect(paid.allocation).toEqual({
    penalty: '0.00',
    fees: '0.00',
    interest: yuanText(billedInterest),
    principal: '3000.00',
  });
  expect(cents((await wallet(t, user)).balance.amount)).toBe(before - total);
  // The purchase's principal repaid gives its credit back.
  expect(cents((await getLine(t, user, line.id)).available.amount)).toBe(available + PURCHASE);
  await checkLines(t);

  // Past the due date: no penalty, the statement paid; interest only ever on the cash draw.
  await closeTo(t, addDays('2026-01-19' as PlainDate, 5));
  user = await signInAgain(t, user);
  const [after] = await statementsOf(t, user, line.id);
  expect(after).toMatchObject({ status: 'paid', settledOn: '2026-01-16', unpaid: cny('0.00') });
  expect(after!.billed.penalty.amount).toBe('0.00');
  now = await getLine(t, user, line.id);
  // Closes of the 11th to the 24th: fourteen days on the draw alone.
  expect(cents(now.owed.interest.amount)).toBe(14n * daily);
  expect(cents(now.owed.principal.amount)).toBe(DRAW);
  const penaltyIncome = await t.platform.ledger.getAccount('platform:credit-penalty-income:CNY');
  expect(penaltyIncome?.creditsPosted ?? 0n).toBe(0n);
  await checkLines(t);
});
