import { Decimal as DecimalJs } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CNY, formatAmount } from '../../src/kernel/index.ts';
import { investor, wallet } from '../support/lending.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  at,
  closeThrough,
  createFund,
  enterNav,
  hundredths,
  myFunds,
  subscribeTo,
} from '../support/wealth-funds.ts';

/**
 * Subscriptions of a distributed fund at the unknown price (未知价): the fee by amount tier with the
 * platform's discount, amount − amount ÷ (1 + rate) half up to the cent; units (amount − fee) ÷
 * NAV(T) down to 0.01; T by the 15:00 cut-off; confirmed on the next trading day once NAV(T) is in,
 * waiting (and reported) while it is missing. Expected figures are recomputed here with decimal.js
 * directly, not with the code under test.
 */
const D = DecimalJs.clone({ precision: 50 });
const feeOf = (amount: string, listedRate: string, discount = '0.1') => {
  const rate = new D(listedRate).times(discount);
  const a = new D(amount);
  return a
    .minus(a.div(rate.plus(1)))
    .toDecimalPlaces(2, DecimalJs.ROUND_HALF_UP)
    .toFixed(2);
};
const unitsOf = (amount: string, fee: string, nav: string) =>
  new D(amount).minus(fee).div(nav).toDecimalPlaces(2, DecimalJs.ROUND_DOWN).toFixed(2);

let t: TestApp;
let small: TestUser;
let large: TestUser;
const FUND = '110011';

beforeAll(async () => {
  // Monday 2026-01-05, 10:00 in Shanghai.
  t = await openTestApp();
  await createFund(t, FUND);
  small = await investor(t, '100000.00');
  large = await investor(t, '10000000.00');
}, 60_000);
afterAll(() => t.close());

describe('a subscription at the unknown price', () => {
  const orders: Record<string, { id: string; amount: string; fee: string; nav?: string }> = {};

  it('takes the money, the fee by tier and discount, and the trade date by the cut-off (Monday before 15:00)', async () => {
    at(t, '2026-01-05', '10:30');
    const cases: [TestUser, string, string, string][] = [
      [small, 'a', '10000.00', '0.015'], // tier 1 (below 1,000,000.00)
      [small, 'b', '999.99', '0.015'],
      [large, 'c', '1000000.00', '0.012'], // tier 2 starts at 1,000,000.00
      [large, 'd', '6000000.00', '0.006'], // tier 3 (5,000,000.00 and above)
    ];
    for (const [user, key, amount, rate] of cases) {
      const response = await subscribeTo(t, user, FUND, amount);
      expect(response.statusCode, response.body).toBe(201);
      const order = response.json();
      const fee = feeOf(amount, rate);
      expect(order).toMatchObject({
        kind: 'subscription',
        status: 'pending',
        tradeDate: '2026-01-05',
        confirmDate: '2026-01-06',
        amount: { amount, currency: 'CNY' },
        fee: { amount: fee },
        units: null,
        nav: null,
      });
      orders[key] = { id: order.id, amount, fee };
    }
    // A spot check by hand: 10000.00 × 0.0015 ÷ 1.0015 = 14.977… → 14.98.
    expect(orders.a!.fee).toBe('14.98');
    const w = await wallet(t, small);
    expect(w.balance.amount).toBe(
      formatAmount(hundredths('100000.00') - hundredths('10000.00') - hundredths('999.99'), CNY),
    );
  });

  it('after the cut-off trades on the next trading day', async () => {
    at(t, '2026-01-05', '15:00');
    const response = await subscribeTo(t, small, FUND, '1234.56');
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ tradeDate: '2026-01-06', confirmDate: '2026-01-07' });
    orders.e = { id: response.json().id, amount: '1234.56', fee: feeOf('1234.56', '0.015') };
  });

  it('refuses less than the minimum, and a fund above the investor’s class', async () => {
    const below = await subscribeTo(t, small, FUND, '9.99');
    expect(below.statusCode).toBe(422);
    expect(below.json().error.code).toBe('below_minimum_subscription');
    await createFund(t, '110099', { riskLevel: 5 });
    const cautious = await investor(t, '1000.00', [1, 1, 1, 1, 1, 1, 1, 1]);
    const refused = await subscribeTo(t, cautious, '110099', '100.00');
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().error.code).toBe('not_suitable');
    expect((await wallet(t, cautious)).balance.amount).toBe('1000.00');
    // Where the fund allows it, the investor may buy above the class after acknowledging the warning.
    await createFund(t, '110098', { riskLevel: 5, allowOverride: true });
    const middle = await investor(t, '1000.00', [2, 2, 2, 2, 2, 2, 2, 2]);
    const warned = await subscribeTo(t, middle, '110098', '100.00');
    expect(warned.statusCode, warned.body).toBe(409);
    expect(warned.json().error.code).toBe('suitability_warning');
    const acknowledged = await subscribeTo(t, middle, '110098', '100.00', { acknowledgeRisk: true });
    expect(acknowledged.statusCode, acknowledged.body).toBe(201);
    expect(acknowledged.json().acknowledgementId).toEqual(expect.any(String));
    expect((await wallet(t, middle)).balance.amount).toBe('900.00');
    const unknown = await subscribeTo(t, small, '999999', '100.00');
    expect(unknown.statusCode).toBe(404);
  });

  it('is confirmed at NAV(T) in the close before the confirmation date: units down to 0.01', async () => {
    await enterNav(t, FUND, '2026-01-05', '1.2345');
    await closeThrough(t, '2026-01-05');
    const all = [...(await myFunds(t, small)).orders, ...(await myFunds(t, large)).orders] as {
      id: string;
      status: string;
      units: string | null;
      nav: string | null;
      net: { amount: string } | null;
    }[];
    for (const key of ['a', 'b', 'c', 'd']) {
      const o = orders[key]!;
      const got = all.find((x) => x.id === o.id)!;
      expect(got.status).toBe('confirmed');
      expect(got.nav).toBe('1.2345');
      expect(got.units).toBe(unitsOf(o.amount, o.fee, '1.2345'));
      expect(got.net!.amount).toBe(new D(o.amount).minus(o.fee).toFixed(2));
    }
    // 10000.00 − 14.98 = 9985.02; ÷ 1.2345 = 8088.3110… → 8088.31.
    expect(all.find((x) => x.id === orders.a!.id)!.units).toBe('8088.31');
    // The afternoon order trades on Tuesday: not yet.
    expect(all.find((x) => x.id === orders.e!.id)!.status).toBe('pending');
    const mine = await myFunds(t, small);
    const expectedUnits =
      hundredths(unitsOf('10000.00', orders.a!.fee, '1.2345')) +
      hundredths(unitsOf('999.99', orders.b!.fee, '1.2345'));
    expect(hundredths(mine.holdings[0]!.units)).toBe(expectedUnits);
    expect(mine.holdings[0]!.cost.amount).toBe('10999.99');
    // Market value at the latest NAV, half up: units × 1.2345.
    const value = new D(mine.holdings[0]!.units)
      .times('1.2345')
      .toDecimalPlaces(2, DecimalJs.ROUND_HALF_UP)
      .toFixed(2);
    expect(mine.holdings[0]!.marketValue!.amount).toBe(value);
    expect(mine.holdings[0]!.profit!.amount).toBe(new D(value).minus('10999.99').toFixed(2));
  });

  it('waits while NAV(T) is missing, reported to operations, then confirms at it', async () => {
    at(t, '2026-01-06', '10:00');
    await closeThrough(t, '2026-01-06'); // Tuesday's NAV not entered: the afternoon order waits
    const day = await t.app.inject({
      method: 'GET',
      url: '/v1/wealth/ops/funds/orders?date=2026-01-06',
      headers: asAdmin,
    });
    expect(day.statusCode, day.body).toBe(200);
    const waiting = day.json();
    expect(waiting.orders.find((o: { id: string }) => o.id === orders.e!.id)).toMatchObject({
      status: 'pending',
      navMissing: true,
    });
    // This fund's order and the acknowledged one of the fund with no NAV at all, both placed after
    // Monday's cut-off (trade date Tuesday), one entry per fund.
    expect(waiting.waitingForNav).toHaveLength(2);
    expect(
      waiting.waitingForNav.map((w: { tradeDate: string; orders: number }) => [w.tradeDate, w.orders]),
    ).toEqual([
      ['2026-01-06', 1],
      ['2026-01-06', 1],
    ]);
    at(t, '2026-01-07', '09:00');
    await enterNav(t, FUND, '2026-01-06', '1.3000');
    await closeThrough(t, '2026-01-07');
    const got = (await myFunds(t, small)).orders.find((o) => o.id === orders.e!.id) as {
      status: string;
      units: string;
      nav: string;
    };
    expect(got).toMatchObject({
      status: 'confirmed',
      nav: '1.3000',
      units: unitsOf('1234.56', orders.e!.fee, '1.3000'),
    });
  });

  it('on a Friday after the cut-off, and before a holiday, trades on the next trading day', async () => {
    const holiday = await t.app.inject({
      method: 'POST',
      url: '/v1/wealth/ops/calendar/holidays',
      headers: asAdmin,
      payload: { date: '2026-01-12', name: 'test holiday' },
    });
    expect(holiday.statusCode, holiday.body).toBe(201);
    at(t, '2026-01-08', '10:00');
    await closeThrough(t, '2026-01-08');
    at(t, '2026-01-09', '16:00');
    const response = await subscribeTo(t, small, FUND, '100.00');
    expect(response.json()).toMatchObject({ tradeDate: '2026-01-13', confirmDate: '2026-01-14' });
  });

  it('keeps the ledger whole: custody holds Σ net, units issued = Σ units', async () => {
    const report = await t.platform.ledger.verify();
    expect(report.problems).toEqual([]);
    const product = await t.platform.wealth.product(FUND);
    const [custody] = await t.platform.ledger.lookupAccounts([`wealth:${product.id}:custody`]);
    const confirmed = ['a', 'b', 'c', 'd', 'e'].map((k) => orders[k]!);
    const net = confirmed.reduce((s, o) => s + hundredths(o.amount) - hundredths(o.fee), 0n);
    // Money flows pending → custody (debit pending, credit custody), so custody's balance is a credit.
    expect(custody!.creditsPosted - custody!.debitsPosted).toBe(net);
    const [issued] = await t.platform.ledger.lookupAccounts([`wealth:${product.id}:units-issued`]);
    const units = (await myFunds(t, small)).holdings[0]!.units;
    const largeUnits = (await myFunds(t, large)).holdings[0]!.units;
    expect(issued!.debitsPosted - issued!.creditsPosted).toBe(hundredths(units) + hundredths(largeUnits));
    expect(issued!.ledger).toBe(`FUND:${FUND}`);
  });
});
