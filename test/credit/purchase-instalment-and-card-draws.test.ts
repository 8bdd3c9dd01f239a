import { afterAll, beforeAll, expect, it } from 'vitest';
import { CNY, Decimal, plainDate } from '../../src/kernel/index.ts';
import { buildSchedule } from '../../src/lending/index.ts';
import { cny, customerWithLine, getLine, type LineJson, post } from '../support/credit.ts';
import {
  bindCard,
  cents,
  checkCreditLines,
  orderState,
  PAYMENT_PASSWORD,
  setPaymentPassword,
} from '../support/credit-purchases.ts';
import { drain, wallet } from '../support/lending.ts';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Cash draws beyond the daily-interest loan: 6,000.00 repaid in 6 monthly instalments by lending's
 * equal-instalment schedule at the line's daily rate × 365, its principal unbilled until billed; and
 * a draw on to a bound card, through payments' withdrawal (payment password, fee, channel), which
 * leaves the money in the wallet when the withdrawal cannot start.
 */
let t: PaymentsTestApp;
let user: TestUser;
let line: LineJson;
let cardId: string;

beforeAll(async () => {
  t = await openPaymentsTestApp();
  ({ user, line } = await customerWithLine(t));
  await setPaymentPassword(t, user);
  cardId = await bindCard(t, user);
});
afterAll(() => t.close());

const draw = (payload: Record<string, unknown>) =>
  post(t, user, `/v1/credit/lines/${line.id}/draws`, payload);

it('draws 6,000.00 repaid in 6 instalments by the schedule at the daily rate × 365', async () => {
  const limit = cents(line.limit.amount);
  for (const [repayment, code] of [
    [{ months: 5, method: 'equal_installment' }, 'instalments_not_offered'],
    [{ months: 6, method: 'bullet' }, 'repayment_method_not_offered'],
  ] as const) {
    const refused = await draw({ amount: cny('6000.00'), repayment });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe(code);
  }
  expect(cents((await getLine(t, user, line.id)).available.amount)).toBe(limit);

  const drawn = await draw({ amount: cny('6000.00'), repayment: { months: 6, method: 'equal_installment' } });
  expect(drawn.statusCode, drawn.body).toBe(201);
  const { plan, destination, withdrawal } = drawn.json();
  expect(destination).toBe('wallet');
  expect(withdrawal).toBeNull();
  expect(plan).toMatchObject({
    kind: 'draw_instalments',
    instalments: 6,
    repaymentMethod: 'equal_installment',
  });
  const annual = new Decimal(line.pricing.dailyRate).times(365);
  expect(new Decimal(plan.annualRate).equals(annual)).toBe(true);
  const expected = buildSchedule({
    principal: 600_000n,
    annualRate: annual,
    termMonths: 6,
    method: 'equal_installment',
    dayCount: 'actual/365',
    startDate: plainDate('2026-01-05'),
    rounding: 'half_up',
    currency: CNY,
  });
  const schedule = plan.schedule as { principal: { amount: string }; charge: { amount: string } }[];
  expect(schedule.map((i) => cents(i.principal.amount))).toEqual(
    expected.installments.map((i) => i.principal),
  );
  expect(schedule.map((i) => cents(i.charge.amount))).toEqual(expected.installments.map((i) => i.interest));
  expect(schedule.reduce((sum, i) => sum + cents(i.principal.amount), 0n)).toBe(600_000n);
  expect(cents(plan.charge.amount)).toBe(expected.totalInterest);
  expect(expected.totalInterest).toBeGreaterThan(0n);

  expect(cents((await wallet(t, user)).balance.amount)).toBe(600_000n);
  const after = await getLine(t, user, line.id);
  expect(cents(after.available.amount)).toBe(limit - 600_000n);
  const balances = await t.platform.credit.balances(line.id);
  // An instalment loan is not the revolving daily-interest principal: it waits unbilled.
  expect(balances.unbilled).toBe(600_000n);
  expect(balances.principal).toBe(0n);
  await checkCreditLines(t);
});

it('draws on to a bound card: the password first, then a withdrawal from the wallet', async () => {
  const limit = cents(line.limit.amount);
  const usedBefore = limit - cents((await getLine(t, user, line.id)).available.amount);
  const noPassword = await draw({ amount: cny('1000.00'), cardId });
  expect(noPassword.json().error.code).toBe('payment_password_required');
  const wrong = await draw({ amount: cny('1000.00'), cardId, paymentPassword: '000000' });
  expect(wrong.statusCode).toBe(422);
  expect(limit - cents((await getLine(t, user, line.id)).available.amount)).toBe(usedBefore);

  const drawn = await draw({ amount: cny('1000.00'), cardId, paymentPassword: PAYMENT_PASSWORD });
  expect(drawn.statusCode, drawn.body).toBe(201);
  const body = drawn.json();
  expect(body.destination).toBe('card');
  expect(body.plan).toBeNull();
  expect(body.withdrawal).toMatchObject({ started: true, fee: '1.00' });
  await t.waitFor(
    async () => (await orderState(t, body.withdrawal.orderId)).status === 'succeeded',
    'the payout',
  );
  // 6,000.00 + 1,000.00 drawn, 1,000.00 and its 1.00 fee paid out to the card.
  expect(cents((await wallet(t, user)).balance.amount)).toBe(600_000n - 100n);
  expect(limit - cents((await getLine(t, user, line.id)).available.amount)).toBe(usedBefore + 100_000n);
  await checkCreditLines(t);
});

it('keeps the money in the wallet when the withdrawal cannot start', async () => {
  await drain(t, user.userId);
  // The wallet cannot pay the withdrawal's fee on top of the 100.00 drawn: the draw stands, in the wallet.
  const drawn = await draw({ amount: cny('100.00'), cardId, paymentPassword: PAYMENT_PASSWORD });
  expect(drawn.statusCode, drawn.body).toBe(201);
  expect(drawn.json()).toMatchObject({
    destination: 'wallet',
    withdrawal: { started: false, code: 'insufficient_funds' },
  });
  expect(cents((await wallet(t, user)).balance.amount)).toBe(10_000n);
  expect((await t.platform.credit.balances(line.id)).principal).toBe(10_000n + 100_000n);
  await checkCreditLines(t);
});
