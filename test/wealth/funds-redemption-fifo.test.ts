import { Decimal as DecimalJs } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAgain } from '../support/credit.ts';
import { investor, wallet } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import {
  at,
  closeThrough,
  createFund,
  enterNav,
  hundredths,
  myFunds,
  redeemFrom,
  subscribeTo,
  text2,
} from '../support/wealth-funds.ts';

/**
 * Redemptions of a distributed fund: units frozen at the request, priced at NAV(T) (gross half up
 * to the cent), the fee by holding period over FIFO lots (under 7 days 1.5%, under 365 days 0.5%),
 * paid to the wallet T+2 trading days after T. Lots: subscription 1 confirmed Tue 2026-01-06,
 * subscription 2 confirmed Tue 2026-01-13. Figures recomputed here with decimal.js.
 */
const D = DecimalJs.clone({ precision: 50 });
const half = (x: InstanceType<typeof D>) => x.toDecimalPlaces(2, DecimalJs.ROUND_HALF_UP).toFixed(2);
const fee = (amount: string) => half(new D(amount).minus(new D(amount).div('1.0015')));
const units = (amount: string, nav: string) =>
  new D(amount).minus(fee(amount)).div(nav).toDecimalPlaces(2, DecimalJs.ROUND_DOWN).toFixed(2);

let t: TestApp;
let user: TestUser;
const FUND = '220022';
const sub1 = units('10000.00', '1.0000'); // 9985.02
const sub2 = units('5000.00', '1.1000');

beforeAll(async () => {
  t = await openTestApp();
  await createFund(t, FUND);
  user = await investor(t, '20000.00');
}, 60_000);
afterAll(() => t.close());

describe('redemption by FIFO lots, paid T+N', () => {
  let first: { id: string };
  let second: { id: string };

  it('builds two lots a week apart', async () => {
    at(t, '2026-01-05', '10:30');
    expect((await subscribeTo(t, user, FUND, '10000.00')).statusCode).toBe(201);
    await enterNav(t, FUND, '2026-01-05', '1.0000');
    await closeThrough(t, '2026-01-11');
    at(t, '2026-01-12', '10:00');
    user = await signInAgain(t, user);
    expect((await subscribeTo(t, user, FUND, '5000.00')).statusCode).toBe(201);
    await enterNav(t, FUND, '2026-01-12', '1.1000');
    await closeThrough(t, '2026-01-12');
    const mine = await myFunds(t, user);
    expect(sub1).toBe('9985.02');
    expect(mine.holdings[0]!.units).toBe(text2(hundredths(sub1) + hundredths(sub2)));
    expect(mine.holdings[0]!.cost.amount).toBe('15000.00');
  });

  it('refuses more than the units available, and freezes what it redeems', async () => {
    at(t, '2026-01-13', '10:00');
    await closeThrough(t, '2026-01-13');
    at(t, '2026-01-14', '10:00');
    user = await signInAgain(t, user);
    const total = hundredths(sub1) + hundredths(sub2);
    const tooMany = await redeemFrom(t, user, FUND, text2(total + 1n));
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().error.code).toBe('insufficient_holding');
    const response = await redeemFrom(t, user, FUND, '10000.00');
    expect(response.statusCode, response.body).toBe(201);
    first = response.json();
    expect(first).toMatchObject({
      tradeDate: '2026-01-14',
      confirmDate: '2026-01-15',
      payDate: '2026-01-16',
      units: '10000.00',
    });
    const mine = await myFunds(t, user);
    expect(mine.holdings[0]!.available).toBe(text2(total - 1_000_000n));
    expect(mine.holdings[0]!.units).toBe(text2(total));
  });

  it('prices at NAV(T): the oldest lot (8 days: 0.5%) first, then the newest (1 day: 1.5%)', async () => {
    await enterNav(t, FUND, '2026-01-14', '1.2000');
    await closeThrough(t, '2026-01-14');
    const got = (await myFunds(t, user)).orders.find((o) => o.id === first.id) as Record<string, unknown>;
    const fromSecond = new D('10000.00').minus(sub1);
    const expectedFee = half(
      new D(sub1).times('1.2').times('0.005').plus(fromSecond.times('1.2').times('0.015')),
    );
    expect(got).toMatchObject({
      status: 'confirmed',
      nav: '1.2000',
      amount: { amount: '12000.00' },
      fee: { amount: expectedFee },
      net: { amount: new D('12000.00').minus(expectedFee).toFixed(2) },
    });
    expect(expectedFee).toBe('60.18');
    expect(got.feeParts).toEqual([
      { confirmedOn: '2026-01-06', units: sub1, heldDays: 8, rate: '0.005' },
      { confirmedOn: '2026-01-13', units: fromSecond.toFixed(2), heldDays: 1, rate: '0.015' },
    ]);
  });

  it('a second redemption, before the first is paid, takes the next units of the newest lot', async () => {
    at(t, '2026-01-15', '10:00');
    user = await signInAgain(t, user);
    const response = await redeemFrom(t, user, FUND, '100.00');
    expect(response.statusCode, response.body).toBe(201);
    second = response.json();
    // T = Thursday; T+2 trading days is Monday 2026-01-19 over the weekend.
    expect(second).toMatchObject({ tradeDate: '2026-01-15', payDate: '2026-01-19' });
    await enterNav(t, FUND, '2026-01-15', '1.2500');
    const before = hundredths((await wallet(t, user)).balance.amount);
    await closeThrough(t, '2026-01-15');
    // The first redemption's pay date (Fri 16th) opens: paid in Thursday's close.
    const paid = (await myFunds(t, user)).orders.find((o) => o.id === first.id) as {
      status: string;
      net: { amount: string };
    };
    expect(paid.status).toBe('paid');
    expect(hundredths((await wallet(t, user)).balance.amount) - before).toBe(hundredths(paid.net.amount));
    const priced = (await myFunds(t, user)).orders.find((o) => o.id === second.id) as Record<string, unknown>;
    // 100.00 × 1.25 = 125.00; held 2 days (from the 13th) → 1.5%: 1.875 → 1.88.
    expect(priced).toMatchObject({
      status: 'confirmed',
      amount: { amount: '125.00' },
      fee: { amount: '1.88' },
    });
    expect((priced.feeParts as { heldDays: number }[])[0]!.heldDays).toBe(2);
  });

  it('is paid on T+2 over the weekend, and the holding’s cost follows average cost', async () => {
    const before = hundredths((await wallet(t, user)).balance.amount);
    await closeThrough(t, '2026-01-17');
    expect(hundredths((await wallet(t, user)).balance.amount)).toBe(before);
    await closeThrough(t, '2026-01-18'); // Sunday's close opens Monday the 19th
    user = await signInAgain(t, user);
    expect(hundredths((await wallet(t, user)).balance.amount) - before).toBe(hundredths('123.12'));
    const mine = await myFunds(t, user);
    const held = hundredths(sub1) + hundredths(sub2);
    // Average cost: 15000.00 less cost × redeemed ÷ held (half up), twice.
    const afterFirst = 1_500_000n - divHalfUp(1_500_000n * 1_000_000n, held);
    const afterSecond = afterFirst - divHalfUp(afterFirst * 10_000n, held - 1_000_000n);
    expect(mine.holdings[0]!.cost.amount).toBe(text2(afterSecond));
    const left = held - 1_010_000n;
    expect(mine.holdings[0]!.units).toBe(text2(left));
    expect(mine.holdings[0]!.marketValue!.amount).toBe(half(new D(text2(left)).times('1.25')));
    expect(mine.holdings[0]!.pendingOrders).toEqual([]);
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});

function divHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}
