import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, Decimal, daysBetween, type PlainDate } from '../../src/kernel/index.ts';
import {
  applyFor,
  bid,
  borrower,
  cny,
  investments,
  investor,
  minor,
  openLendingApp,
  wallet,
} from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * An investor's XIRR when days close in catch-up: the wall clock stands still while the business
 * date runs on, so the ledger's transfers all carry the same wall-clock day. The statement must date
 * each flow by the business date it was booked on (each bid on its loan's disbursement date, the
 * repayment on its due date) and value what is still held on the business date. The expected rate
 * is solved here, by bisection, from the bids and from what reached the wallet at each close.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

/** The annual rate r at which Σ amount × (1 + r)^(−days/365) is zero, by bisection in floats. */
function rateOf(flows: readonly { date: PlainDate; amount: number }[]): number {
  const start = flows[0]!.date;
  const value = (r: number) =>
    flows.reduce((sum, f) => sum + f.amount * (1 + r) ** (-daysBetween(start, f.date) / 365), 0);
  let low = -0.99;
  let high = 10;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (value(mid) > 0) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** A 2,000.00 short loan, bullet over `days`, half of it lent by `lender` and half by someone else. */
async function lendHalf(lender: TestUser, days: number): Promise<string> {
  const b = await borrower(t, '100.00');
  const { loanId } = await applyFor(t, b, {
    productId: 'short',
    amount: cny('2000.00'),
    term: days,
    method: 'bullet',
  });
  for (const person of [lender, await investor(t)]) {
    const response = await bid(t, person, loanId, '1000.00');
    expect(response.statusCode, response.body).toBe(201);
  }
  return loanId;
}

describe('an investor whose flows happen across catch-up day-closes', () => {
  it('gets the XIRR of the flows dated by business date', async () => {
    const lender = await investor(t);
    const start = await t.platform.batch.businessDate();
    const flows: { date: PlainDate; amount: number }[] = [];
    const lent = async (days: number) => {
      await lendHalf(lender, days);
      flows.push({ date: await t.platform.batch.businessDate(), amount: -1000 });
    };
    // Days closed one after another with the wall clock standing still; what reaches the wallet at
    // a close is a flow of the date closed.
    const closeTo = async (through: PlainDate) => {
      const wallClock = t.clock.now().getTime();
      let balance = minor((await wallet(t, lender)).balance.amount);
      for (let date = await t.platform.batch.businessDate(); date <= through; date = addDays(date, 1)) {
        await t.platform.batch.close('test', { date });
        const now = minor((await wallet(t, lender)).balance.amount);
        if (now !== balance) flows.push({ date, amount: Number(now - balance) / 100 });
        balance = now;
      }
      expect(t.clock.now().getTime()).toBe(wallClock);
    };
    await lent(7); // repaid on start + 7
    await lent(14); // still held at the end
    await closeTo(addDays(start, 2));
    await lent(7); // lent on start + 3, still held at the end
    await closeTo(addDays(start, 7));
    const today = await t.platform.batch.businessDate();
    expect(today).toBe(addDays(start, 8));
    expect(flows.map((f) => f.date)).toEqual([start, start, addDays(start, 3), addDays(start, 7)]);
    expect(flows[3]!.amount).toBeGreaterThan(1000);
    const statement = await investments(t, lender);
    expect(statement.outstandingPrincipal).toBe('2000.00');
    flows.push({ date: today, amount: 2000 });
    const expected = rateOf(flows);
    expect(expected).toBeGreaterThan(0.01);
    expect(expected).toBeLessThan(1);
    expect(Number(statement.xirr)).toBeCloseTo(expected, 6);

    // Month by month: the repayment in the month of the day it was booked, and what the loans still
    // held will pay in the months they fall due; the months add up to the statement's totals.
    type Month = Record<
      'month' | 'principalReceived' | 'interestReceived' | 'principalToCome' | 'interestToCome',
      string
    >;
    const monthly = statement.monthly as Month[];
    expect(monthly.map((m) => m.month)).toEqual([...new Set(monthly.map((m) => m.month))].sort());
    const repaid = monthly.find((m) => m.month === addDays(start, 7).slice(0, 7))!;
    expect(repaid.principalReceived).toBe('1000.00');
    expect(new Decimal(repaid.interestReceived).plus(1000).toFixed(2)).toBe(flows[3]!.amount.toFixed(2));
    const total = (key: keyof Month) =>
      monthly.reduce((sum, m) => sum.plus(m[key]), new Decimal(0)).toFixed(2);
    expect(total('interestReceived')).toBe(statement.interestReceived);
    expect(total('principalReceived')).toBe(statement.principalReceived);
    expect(total('interestToCome')).toBe(statement.interestToCome);
    expect(total('principalToCome')).toBe('2000.00');
    expect(new Decimal(total('interestToCome')).gt(0)).toBe(true);

    // Each flow is dated by one row per ledger batch (investor_flow_blocks). The wallet statement's
    // lines of the flows carry the dates found above.
    const { db } = t.platform;
    const flowLines = async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/v1/me/wallet/statement?limit=100',
        headers: lender.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      const flowKinds = ['investment', 'repayment_received_principal', 'repayment_received_interest'];
      return (response.json() as { items: { businessDate: PlainDate; kind: string }[] }).items.filter((l) =>
        flowKinds.includes(l.kind),
      );
    };
    const booked = (await flowLines()).map((l) => l.businessDate).sort();
    expect(booked).toContain(addDays(start, 7));
    expect(booked.every((d) => d >= start && d <= today)).toBe(true);

    // A database from between migrations 0010 and 0047 has a row per flow (investor_flow_dates)
    // and no blocks: those rows date the flows (here a date of their own, to tell them apart).
    const rows = await sql`insert into investor_flow_dates (transfer_id, business_date)
      select x.id, '2001-02-03'::date from ledger_transfers x
        join investor_flow_blocks b on b.block = x.timestamp - x.timestamp % 65536`.execute(db);
    expect(Number(rows.numAffectedRows)).toBeGreaterThan(0);
    await sql`delete from investor_flow_blocks`.execute(db);
    const perFlow = await flowLines();
    expect(perFlow.map((l) => l.businessDate)).toEqual(booked.map(() => '2001-02-03'));

    // A database from before the flows' dates were recorded: each is dated from the lending journal
    // row written with it (the loan's start date, the repayment's business date), to the same rate.
    await sql`delete from investor_flow_dates`.execute(db);
    const derived = await investments(t, lender);
    expect(derived.xirr).toBe(statement.xirr);
  });
});
