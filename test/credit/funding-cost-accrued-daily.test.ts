import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fundingDaySteps } from '../../src/credit/funding.ts';
import { inTransaction } from '../../src/db/index.ts';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  cny,
  customerWithLine,
  dayInterest,
  type LineJson,
  post,
  staffMember,
} from '../support/credit.ts';
import { openShop, orderOf, payWithCredit, setPaymentPassword } from '../support/credit-purchases.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * The cost of the platform's funds: a cash draw of 12,345.67 stays out over three day-closes; each
 * close posts principal outstanding × 4% ÷ 365, half up, one transfer; the report gives the
 * outstanding, the interest earned, the cost and the margin, in total and over a period of business
 * dates; a close run again posts nothing; a new product version's rate applies from the next close;
 * a purchase in 3 instalments counts as unbilled, then in part as billed once a statement bills it,
 * with the merchant discount and the fee billed in the income.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
let finance: TestUser;
let start: PlainDate;
const DRAWN = 1_234_567n;

/** principal × yearly rate ÷ 365, half up, in integers apart from the code under test. */
function costOfDay(principal: bigint, yearlyRate: string): bigint {
  const [whole = '0', fraction = ''] = yearlyRate.split('.');
  const denominator = 10n ** BigInt(fraction.length) * 365n;
  return (2n * principal * BigInt(whole + fraction) + denominator) / (2n * denominator);
}

async function funding(query = '') {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/staff/funding${query}`,
    headers: finance.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
  finance = await staffMember(t, ['finance']);
  start = (await t.platform.batch.businessDate()) as PlainDate;
});
afterAll(() => t.close());

it('accrues the cost of the funds lent, one posting a day, and reports it with the income', async () => {
  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('12345.67') });
  expect(drawn.statusCode, drawn.body).toBe(201);
  await closeTo(t, addDays(start, 2));
  await checkLines(t);

  const perDay = costOfDay(DRAWN, '0.04');
  expect(perDay).toBe(135n); // 12,345.67 × 0.04 ÷ 365 = 1.3529…
  const interestPerDay = dayInterest(DRAWN, line.pricing.dailyRate);
  const days = await sql<{ business_date: string; cash_draws: bigint; cost: bigint; transfer_id: string }>`
    select business_date::text, cash_draws, cost, transfer_id from credit_funding_days order by business_date`.execute(
    t.platform.db,
  );
  expect(days.rows.map((d) => [d.business_date, d.cash_draws, d.cost])).toEqual(
    [0, 1, 2].map((k) => [addDays(start, k), DRAWN, perDay]),
  );
  // Each day's cost is one ledger transfer, funding cost (5003) debited, the funding account (3002) credited.
  const transfers = await t.platform.ledger.lookupTransfers(days.rows.map((d) => d.transfer_id));
  for (const transfer of transfers) {
    expect(transfer.amount).toBe(perDay);
    expect(transfer.debitAccountId).toBe('platform:credit-funding-cost:CNY');
    expect(transfer.creditAccountId).toBe('platform:credit-funding:CNY');
  }

  const total = await funding();
  expect(total.outstanding).toEqual({
    cashDraws: cny('12345.67'),
    unbilled: cny('0.00'),
    billed: cny('0.00'),
    total: cny('12345.67'),
  });
  expect(cents(total.fundingCost.amount)).toBe(3n * perDay);
  expect(cents(total.income.interest.amount)).toBe(3n * interestPerDay);
  expect(cents(total.margin.amount)).toBe(3n * interestPerDay - 3n * perDay);

  // Over the second and third dates only: two days of each.
  const period = await funding(`?from=${addDays(start, 1)}&to=${addDays(start, 2)}`);
  expect(cents(period.fundingCost.amount)).toBe(2n * perDay);
  expect(cents(period.income.interest.amount)).toBe(2n * interestPerDay);
  expect(cents(period.margin.amount)).toBe(2n * (interestPerDay - perDay));
  // A period of the first date alone, already closed: its outstanding is the one its close measured.
  const first = await funding(`?to=${start}`);
  expect(cents(first.fundingCost.amount)).toBe(perDay);
  expect(first.outstanding.cashDraws).toEqual(cny('12345.67'));
});

it('posts nothing when a date it accrued is run again', async () => {
  const [step] = fundingDaySteps(t.platform.credit.context);
  const before = await funding();
  const handled = await inTransaction(t.platform.db, (trx) => step!.run(trx, addDays(start, 1), {}));
  expect(handled).toBe(0);
  expect((await funding()).fundingCost).toEqual(before.fundingCost);
});

it('accrues at the rate of the product version published since', async () => {
  const admin = await staffMember(t, ['admin']);
  const published = await post(t, admin, '/v1/credit/staff/products/everyday-credit/versions', {
    config: { billing: { fundingCostRate: '0.073' } },
  });
  expect(published.statusCode, published.body).toBe(201);
  const before = cents((await funding()).fundingCost.amount);
  await closeTo(t, addDays(start, 3));
  const after = cents((await funding()).fundingCost.amount);
  // 12,345.67 × 0.073 ÷ 365 = 2.469134: 2.47.
  expect(after - before).toBe(costOfDay(DRAWN, '0.073'));
  expect(costOfDay(DRAWN, '0.073')).toBe(247n);
});

it('is staff only, and refuses a period that ends before it starts', async () => {
  const asCustomer = await t.app.inject({
    method: 'GET',
    url: '/v1/credit/staff/funding',
    headers: user.headers,
  });
  expect(asCustomer.statusCode).toBe(403);
  const reversed = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/staff/funding?from=${addDays(start, 2)}&to=${start}`,
    headers: finance.headers,
  });
  expect(reversed.statusCode).toBe(400);
  expect(reversed.json().error.code).toBe('period_reversed');
});

it('counts purchases not yet billed and principal billed on statements, and their income', async () => {
  await setPaymentPassword(t, user);
  const shop = await openShop(t);
  const orderId = await orderOf(t, shop, '1000.00');
  const paid = await payWithCredit(t, user, line.id, orderId, 3);
  expect(paid.statusCode, paid.body).toBe(201);
  // The line's statement day is today's: today's close bills the first of the three instalments.
  const today = (await t.platform.batch.businessDate()) as PlainDate;
  await t.platform.credit.setBilling(user.userId, line.id, { statementDay: Number(today.slice(8)) });
  const before = await funding();
  await closeTo(t, today);
  const after = await funding();
  // 1,000.00 in 3: 333.34 billed (the remainder in the first), 666.66 left unbilled.
  expect(after.outstanding).toEqual({
    cashDraws: cny('12345.67'),
    unbilled: cny('666.66'),
    billed: cny('333.34'),
    total: cny('13345.67'),
  });
  const rate = (await t.platform.credit.products.current('everyday-credit')).billing.fundingCostRate;
  expect(cents(after.fundingCost.amount) - cents(before.fundingCost.amount)).toBe(
    costOfDay(DRAWN + 100_000n, rate),
  );
  // The merchant's discount at 0.6% (6.00) when bought, the first instalment's fee (25.00 in 3: 8.34) when billed.
  expect(cents(after.income.merchantDiscount.amount)).toBe(600n);
  expect(cents(after.income.fees.amount)).toBe(834n);
  const day = await funding(`?from=${today}&to=${today}`);
  expect(cents(day.income.fees.amount)).toBe(834n);
  expect(cents(day.fundingCost.amount)).toBe(costOfDay(DRAWN + 100_000n, rate));
});
