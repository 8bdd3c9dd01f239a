import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { verifiedCustomer } from '../support/users.ts';
import {
  api,
  at,
  cents,
  closeTo,
  fund,
  ledgerVerifies,
  mmfHolding,
  operationsStaff,
  subscribed,
  subscribeMmf,
  walletCents,
  wealthInvestor,
} from '../support/wealth.ts';

/**
 * Subscriptions to the money-market fund before and after the 15:00 cut-off, on a Friday, on a
 * Saturday and before a holiday: the trade date, the confirm date (the day it earns from), and the
 * units appearing with the day-close of the day before the confirm date, not earlier.
 * The clock starts on Monday 2026-01-05 at 10:00 in Shanghai.
 */
let t: TestApp;
let investor: TestUser;

beforeAll(async () => {
  t = await openTestApp({ identity: { sessionTtlHours: 24 * 365 } });
  investor = await wealthInvestor(t, '100000.00');
});
afterAll(() => t?.close());

const units = async () => cents((await mmfHolding(t, investor)).units.amount);

describe('a subscription to the money-market fund', () => {
  it('shows the dates on the order form before one subscribes', async () => {
    at(t, '2026-01-05 10:30');
    const form = await api(t, investor).get('/v1/wealth/mmf');
    expect(form.statusCode, form.body).toBe(200);
    expect(form.json()).toMatchObject({
      product: { code: 'NETFIN-CASH', riskLevel: 'R1', status: 'published' },
      businessDate: '2026-01-05',
      beforeCutOff: true,
      tradeDate: '2026-01-05',
      confirmDate: '2026-01-06',
      incomeStartsOn: '2026-01-06',
      terms: { quickPerInvestorPerDay: { amount: '10000.00' }, yieldDefinition: 'compounded' },
    });
  });

  it('before the cut-off on Monday trades Monday and is confirmed Tuesday; after it, Tuesday and Wednesday', async () => {
    const before = await walletCents(t, investor);
    const early = await subscribed(t, investor, '1000.00');
    expect(early).toMatchObject({
      kind: 'subscription',
      status: 'pending',
      businessDate: '2026-01-05',
      tradeDate: '2026-01-05',
      confirmDate: '2026-01-06',
    });
    at(t, '2026-01-05 15:00');
    const late = await subscribed(t, investor, '500.00');
    expect(late).toMatchObject({ tradeDate: '2026-01-06', confirmDate: '2026-01-07' });
    // The money left the wallet at once; no units yet.
    expect(await walletCents(t, investor)).toBe(before - 150000n);
    const holding = await mmfHolding(t, investor);
    expect(holding.units.amount).toBe('0.00');
    expect(holding.pendingSubscriptions.map((o) => o.id)).toEqual([early.id, late.id]);

    await closeTo(t, '2026-01-05');
    expect(await units()).toBe(100000n);
    await closeTo(t, '2026-01-06');
    expect(await units()).toBe(150000n);
    expect((await mmfHolding(t, investor)).pendingSubscriptions).toEqual([]);
  });

  it("on Friday before the cut-off is confirmed Monday: the weekend's income is not earned", async () => {
    await closeTo(t, '2026-01-08');
    at(t, '2026-01-09 14:59');
    const friday = await subscribed(t, investor, '200.00');
    expect(friday).toMatchObject({ tradeDate: '2026-01-09', confirmDate: '2026-01-12' });
    await closeTo(t, '2026-01-10');
    expect(await units()).toBe(150000n);
    at(t, '2026-01-11 10:00');
    // On Sunday (no trading): trades Monday, confirmed Tuesday.
    const sunday = await subscribed(t, investor, '300.00');
    expect(sunday).toMatchObject({
      businessDate: '2026-01-11',
      tradeDate: '2026-01-12',
      confirmDate: '2026-01-13',
    });
    await closeTo(t, '2026-01-11');
    expect(await units()).toBe(170000n);
    await closeTo(t, '2026-01-12');
    expect(await units()).toBe(200000n);
  });

  it('before a holiday entered by operations, is confirmed on the next trading day after it', async () => {
    const staff = await operationsStaff(t);
    const holiday = await api(t, staff).post('/v1/wealth/ops/calendar/holidays', {
      date: '2026-01-14',
      name: 'Test holiday',
    });
    expect(holiday.statusCode, holiday.body).toBe(201);
    at(t, '2026-01-13 09:00');
    const tuesday = await subscribed(t, investor, '400.00');
    expect(tuesday).toMatchObject({ tradeDate: '2026-01-13', confirmDate: '2026-01-15' });
    at(t, '2026-01-13 15:30');
    const afterCutOff = await subscribed(t, investor, '50.00');
    // After the cut-off the trade date skips the holiday too: Thursday, confirmed Friday.
    expect(afterCutOff).toMatchObject({ tradeDate: '2026-01-15', confirmDate: '2026-01-16' });
    await closeTo(t, '2026-01-13');
    expect(await units()).toBe(200000n);
    await closeTo(t, '2026-01-14');
    expect(await units()).toBe(240000n);
    await closeTo(t, '2026-01-15');
    expect(await units()).toBe(245000n);
    await ledgerVerifies(t);
  });

  it('is refused, with nothing taken, to an investor without a risk assessment or beyond the wallet', async () => {
    const newcomer = await verifiedCustomer(t);
    await fund(t, newcomer.userId, '100.00');
    const refused = await subscribeMmf(t, newcomer, '10.00');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('risk_assessment_required');
    expect(await walletCents(t, newcomer)).toBe(10000n);

    const before = await walletCents(t, investor);
    const tooMuch = await subscribeMmf(t, investor, '1000000.00');
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error.code).toBe('insufficient_funds');
    expect(await walletCents(t, investor)).toBe(before);
    const malformed = await subscribeMmf(t, investor, '1.001');
    expect(malformed.statusCode).toBe(400);
    expect((await mmfHolding(t, investor)).pendingSubscriptions).toEqual([]);
  });
});
