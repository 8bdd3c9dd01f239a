import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { uuidv7 } from '../../src/kernel/index.ts';
import type { Holding } from '../../src/wealth/holdings.ts';
import { closeTo } from '../support/batch.ts';
import { staffMember } from '../support/credit.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';
import {
  balanceOf,
  centsOf,
  expectedIncome,
  freezeUnits,
  holdUnits,
  incomeTransfersOf,
  moneyMarketFund,
  postIncome,
} from '../support/wealth-income.ts';

/**
 * A week of the money-market fund's income, Monday 2026-01-05 to Sunday 2026-01-11, with Thursday a
 * holiday: income is entered for every calendar day (weekend and holiday included) except Saturday,
 * which is caught up on Sunday and credited by Sunday's close before Sunday's own. Five holders,
 * one holding a single cent (never earns a cent: all undistributed), one with units frozen by a
 * redemption request (they earn nothing). Each day reconciles to the cent: Σ holders' income +
 * undistributed = the fund's income = floor(Σ eligible units × per10k ÷ 10,000). Figures recomputed
 * with decimal.js, rounding down per holder; the income compounds (yesterday's income earns today).
 */
let t: TestApp;
let staff: TestUser;
let investor: TestUser;
let productId: string;
const holders: { name: string; holding: Holding; units: bigint; frozen: bigint }[] = [];

const WEEK: [PlainDate, string][] = [
  ['2026-01-05', '0.6543'],
  ['2026-01-06', '0.6601'],
  ['2026-01-07', '0.6498'],
  ['2026-01-08', '0.6520'], // holiday
  ['2026-01-09', '0.6589'],
  ['2026-01-10', '0.6600'], // Saturday: entered late, on Sunday
  ['2026-01-11', '0.6611'],
] as [PlainDate, string][];

beforeAll(async () => {
  t = await openTestApp();
  staff = await staffMember(t, ['operations']);
  investor = await signUp(t);
  productId = await moneyMarketFund(t);
  const holiday = await t.app.inject({
    method: 'POST',
    url: '/v1/wealth/ops/calendar/holidays',
    headers: asAdmin,
    payload: { date: '2026-01-08', name: '测试假日' },
  });
  expect(holiday.statusCode, holiday.body).toBe(201);
  const make = async (name: string, userId: string, units: string, frozen = '0.00') => {
    const holding = await holdUnits(t, productId, userId, centsOf(units));
    if (frozen !== '0.00') await freezeUnits(t, holding, centsOf(frozen));
    holders.push({ name, holding, units: centsOf(units), frozen: centsOf(frozen) });
  };
  await make('large', uuidv7(), '10000.00');
  await make('odd', uuidv7(), '1234.56');
  await make('one cent', uuidv7(), '0.01');
  await make('frozen part', uuidv7(), '5000.00', '1000.00');
  await make('investor', investor.userId, '2000.00');
  for (const [date, per10k] of WEEK) {
    if (date === '2026-01-10') continue;
    const r = await postIncome(t, staff, { date, per10k, productId });
    expect(r.statusCode, r.body).toBe(201);
  }
});
afterAll(() => t.close());

async function opsDays(from: string, to: string) {
  const r = await t.app.inject({
    method: 'GET',
    url: `/v1/wealth/ops/mmf/income?productId=${productId}&from=${from}&to=${to}`,
    headers: staff.headers,
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().days as {
    date: string;
    missing: boolean;
    credited: boolean;
    holders: number | null;
    eligibleUnits: { amount: string } | null;
    fundIncome: { amount: string } | null;
    distributed: { amount: string } | null;
    undistributed: { amount: string } | null;
    entry: { per10k: string; locked: boolean } | null;
  }[];
}

/** Checks one credited date against an independent recomputation, then applies it to the model. */
async function checkDay(date: PlainDate, per10k: string) {
  const ledger = await incomeTransfersOf(t, date);
  let eligible = 0n;
  let distributed = 0n;
  let earning = 0;
  for (const h of holders) {
    const available = h.units - h.frozen;
    const income = expectedIncome(available, per10k);
    expect(ledger.get(h.holding.accountId) ?? 0n, `${h.name} on ${date}`).toBe(income);
    eligible += available;
    distributed += income;
    if (available > 0n) earning += 1;
    h.units += income;
  }
  const fund = expectedIncome(eligible, per10k);
  const [day] = await opsDays(date, date);
  expect(day).toMatchObject({
    date,
    credited: true,
    holders: earning,
    eligibleUnits: { amount: (Number(eligible) / 100).toFixed(2) },
    fundIncome: { amount: (Number(fund) / 100).toFixed(2) },
    distributed: { amount: (Number(distributed) / 100).toFixed(2) },
    undistributed: { amount: (Number(fund - distributed) / 100).toFixed(2) },
    entry: { per10k, locked: true },
  });
  expect(fund - distributed).toBeGreaterThanOrEqual(0n);
  // The one-cent holder never earns a cent: its share is part of what stays undistributed.
  expect(ledger.has(holders[2]!.holding.accountId)).toBe(false);
}

it('credits Monday to Friday, the holiday included, each reconciled to the cent', async () => {
  await closeTo(t, '2026-01-09');
  for (const [date, per10k] of WEEK.slice(0, 5)) await checkDay(date, per10k);
  for (const h of holders) expect((await balanceOf(t, h.holding.accountId)).posted).toBe(h.units);
});

it('skips Saturday without an entry, reports it missing, and catches it up on Sunday before Sunday', async () => {
  await closeTo(t, '2026-01-10');
  expect(await incomeTransfersOf(t, '2026-01-10' as PlainDate)).toEqual(new Map());
  const [saturday] = await opsDays('2026-01-10', '2026-01-10');
  expect(saturday).toMatchObject({ missing: true, credited: false, entry: null });
  const late = await postIncome(t, staff, { date: '2026-01-10', per10k: '0.6600', productId });
  expect(late.statusCode, late.body).toBe(201);
  await closeTo(t, '2026-01-11');
  await checkDay('2026-01-10' as PlainDate, '0.6600');
  await checkDay('2026-01-11' as PlainDate, '0.6611');
  for (const h of holders) expect((await balanceOf(t, h.holding.accountId)).posted).toBe(h.units);
  const report = await t.platform.ledger.verify();
  expect(report.problems).toEqual([]);
});

it('changes nothing when the step runs again or the day is closed again', async () => {
  const step = t.platform.batch.steps().find((s) => s.name === 'wealth.mmf-income')!;
  const before = await Promise.all(holders.map((h) => balanceOf(t, h.holding.accountId)));
  expect(await step.run(t.platform.db, '2026-01-11' as PlainDate, { from: null, to: null })).toBe(0);
  expect((await t.platform.batch.close('test', { date: '2026-01-11' as PlainDate })).alreadyClosed).toBe(
    true,
  );
  expect(await Promise.all(holders.map((h) => balanceOf(t, h.holding.accountId)))).toEqual(before);
});

it("shows the investor each day's income, yesterday's, the cumulative, and January's statement", async () => {
  const me = holders[4]!;
  const r = await t.app.inject({
    method: 'GET',
    url: `/v1/me/wealth/mmf/income?productId=${productId}&from=2026-01-01&to=2026-01-31`,
    headers: investor.headers,
  });
  expect(r.statusCode, r.body).toBe(200);
  const body = r.json();
  // Recompute the investor's week from 2,000.00 with decimal.js.
  let units = centsOf('2000.00');
  const days = [];
  for (const [date, per10k] of WEEK) {
    const income = expectedIncome(units, per10k);
    units += income;
    days.push({ date, amount: { amount: (Number(income) / 100).toFixed(2), currency: 'CNY' } });
  }
  expect(units).toBe(me.units);
  expect(body.days).toEqual(days);
  expect(body.units.amount).toBe((Number(units) / 100).toFixed(2));
  expect(body.yesterday).toEqual(days[6]); // the business date is now 2026-01-12
  expect(body.cumulative.amount).toBe((Number(units - centsOf('2000.00')) / 100).toFixed(2));

  const s = await t.app.inject({
    method: 'GET',
    url: `/v1/me/wealth/mmf/statements/2026-01?productId=${productId}`,
    headers: investor.headers,
  });
  expect(s.statusCode, s.body).toBe(200);
  expect(s.json()).toMatchObject({
    opening: { amount: '0.00' },
    subscriptions: { amount: '2000.00' },
    income: { amount: body.cumulative.amount },
    redemptions: { amount: '0.00' },
    closing: { amount: body.units.amount },
  });
  expect(s.json().lines).toHaveLength(8);
  const december = await t.app.inject({
    method: 'GET',
    url: `/v1/me/wealth/mmf/statements/2025-12?productId=${productId}`,
    headers: investor.headers,
  });
  expect(december.json()).toMatchObject({
    opening: { amount: '0.00' },
    closing: { amount: '0.00' },
    lines: [],
  });
  for (const month of ['2026-02', '2026-13', '26-01']) {
    const bad = await t.app.inject({
      method: 'GET',
      url: `/v1/me/wealth/mmf/statements/${month}?productId=${productId}`,
      headers: investor.headers,
    });
    expect(bad.statusCode, month).toBe(400);
  }
});
