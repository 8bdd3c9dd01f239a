import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, Decimal, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  cny,
  customerWithLine,
  dayInterest,
  getLine,
  type LineJson,
  post,
  signInAgain,
} from '../support/credit.ts';
import { fund, wallet } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A line from application to a cash draw repaid early: the line graph grants a limit and a daily
 * rate shown with its APR; 12,345.67 drawn to the wallet; a partial repayment after five days pays
 * the interest first; the rest is repaid after ten days, each day's interest to the cent.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
});
afterAll(() => t.close());

it('grants a line whose rates come with their APR', async () => {
  expect(cents(line.limit.amount)).toBeGreaterThanOrEqual(50_000n);
  expect(line.available).toEqual(line.limit);
  expect(line.used.amount).toBe('0.00');
  // A daily rate of the line graph, its annual rate × 365, and the APR of a 30-day draw (≈ the same,
  // no fee); instalment fees cost far more by APR than their share suggests.
  expect(line.pricing.annualRate).toBe((Number(line.pricing.dailyRate) * 365).toFixed(6));
  expect(Math.abs(Number(line.pricing.drawApr) - Number(line.pricing.annualRate))).toBeLessThan(0.0001);
  const three = line.pricing.instalments.find((i) => i.months === 3)!;
  expect(three.feeRate).toBe('0.025');
  expect(Number(three.apr)).toBeGreaterThan(0.14);
  expect(Number(three.apr)).toBeLessThan(0.16);
  await checkLines(t);
});

it('draws cash into the wallet and repays it early, interest first, to the cent', async () => {
  const start = (await t.platform.batch.businessDate()) as PlainDate;
  const before = cents((await wallet(t, user)).balance.amount);
  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('12345.67') });
  expect(drawn.statusCode, drawn.body).toBe(201);
  expect(cents((await wallet(t, user)).balance.amount)).toBe(before + 1_234_567n);
  const limit = cents(line.limit.amount);
  expect(cents((await getLine(t, user, line.id)).available.amount)).toBe(limit - 1_234_567n);
  await checkLines(t);

  // Five closes: five days' interest on the whole principal.
  await closeTo(t, addDays(start, 4));
  user = await signInAgain(t, user);
  const daily = dayInterest(1_234_567n, line.pricing.dailyRate);
  let after = await getLine(t, user, line.id);
  expect(cents(after.owed.interest.amount)).toBe(5n * daily);

  // A repayment of 20.00: the interest first, the rest off the principal, which frees that much credit.
  const part = await post(t, user, `/v1/credit/lines/${line.id}/repayments`, { amount: cny('20.00') });
  expect(part.statusCode, part.body).toBe(201);
  expect(cents(part.json().interest)).toBe(5n * daily);
  expect(cents(part.json().principal)).toBe(2000n - 5n * daily);
  const principal = 1_234_567n - (2000n - 5n * daily);
  after = await getLine(t, user, line.id);
  expect(cents(after.owed.principal.amount)).toBe(principal);
  expect(cents(after.available.amount)).toBe(limit - principal);
  await checkLines(t);

  // Five more closes on the smaller principal, then everything repaid.
  await closeTo(t, addDays(start, 9));
  user = await signInAgain(t, user);
  const interest = 5n * dayInterest(principal, line.pricing.dailyRate);
  after = await getLine(t, user, line.id);
  expect(cents(after.owed.interest.amount)).toBe(interest);
  await fund(t, user.userId, '100.00');
  const total = principal + interest;
  const tooMuch = await post(t, user, `/v1/credit/lines/${line.id}/repayments`, {
    amount: cny(((total + 1n) / 100n).toString() + '.' + String((total + 1n) % 100n).padStart(2, '0')),
  });
  expect(tooMuch.statusCode).toBe(422);
  expect(tooMuch.json().error.code).toBe('repayment_exceeds_debt');
  const rest = post(t, user, `/v1/credit/lines/${line.id}/repayments`, {
    amount: cny(`${total / 100n}.${String(total % 100n).padStart(2, '0')}`),
  });
  expect((await rest).statusCode).toBe(201);
  after = await getLine(t, user, line.id);
  expect(after.owed).toMatchObject({ principal: cny('0.00'), interest: cny('0.00') });
  expect(after.available).toEqual(after.limit);
  // What the customer paid beyond the draw is exactly the interest of the ten days.
  const paid = before + 1_234_567n + 10_000n - cents((await wallet(t, user)).balance.amount);
  expect(paid).toBe(1_234_567n + 5n * daily + interest);
  await checkLines(t);

  // The line's history shows the grant, the draw and the two repayments.
  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  // Newest first, amounts and their parts in yuan.
  const items = history.json().items;
  expect(items.map((e: { kind: string }) => e.kind)).toEqual(['repayment', 'repayment', 'draw', 'granted']);
  for (const repayment of items.slice(0, 2)) {
    const { interest, principal } = repayment.details;
    expect(interest).toMatch(/^\d+\.\d{2}$/);
    expect(new Decimal(interest).plus(principal).toFixed(2)).toBe(
      repayment.amount.amount ?? repayment.amount,
    );
  }
});
