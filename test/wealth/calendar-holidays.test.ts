import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { api, at, operationsStaff, subscribed, wealthInvestor } from '../support/wealth.ts';

/**
 * The trading calendar: operations make future weekdays holidays (audited), never a past date, a
 * weekend, or a date on which an order already placed trades or settles; everyone signed in reads
 * the cut-off and the trade date an order placed now gets. Monday 2026-01-05, 10:00 in Shanghai.
 */
let t: TestApp;
let ops: TestUser;
let investor: TestUser;

beforeAll(async () => {
  t = await openTestApp({ identity: { sessionTtlHours: 24 * 365 } });
  ops = await operationsStaff(t);
  investor = await wealthInvestor(t, '1000.00');
});
afterAll(() => t?.close());

const holiday = (date: string, who: { headers: Record<string, string> } = ops) =>
  api(t, who).post('/v1/wealth/ops/calendar/holidays', { date, name: '假日' });

describe('the trading calendar', () => {
  it('tells an order form the trade date before and after the cut-off', async () => {
    const morning = await api(t, investor).get('/v1/wealth/calendar');
    expect(morning.statusCode, morning.body).toBe(200);
    expect(morning.json()).toMatchObject({
      businessDate: '2026-01-05',
      cutOff: '15:00',
      tradeDate: '2026-01-05',
      beforeCutOff: true,
      isTradingDay: true,
      nextTradingDay: '2026-01-06',
    });
    at(t, '2026-01-05 15:00');
    const afternoon = await api(t, investor).get('/v1/wealth/calendar');
    expect(afternoon.json()).toMatchObject({ tradeDate: '2026-01-06', beforeCutOff: false });
  });

  it('refuses a holiday on a date an order trades or settles on, and takes one on a free weekday', async () => {
    // Placed after the cut-off: trades Tuesday, confirmed Wednesday.
    const order = await subscribed(t, investor, '500.00');
    expect(order.tradeDate).toBe('2026-01-06');
    for (const date of ['2026-01-06', '2026-01-07']) {
      const refused = await holiday(date);
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().error).toMatchObject({ code: 'holiday_has_orders', details: { orders: 1 } });
    }
    const taken = await holiday('2026-01-08');
    expect(taken.statusCode, taken.body).toBe(201);
    const calendar = await api(t, investor).get('/v1/wealth/calendar');
    expect(calendar.json().holidays).toEqual([{ date: '2026-01-08', name: '假日' }]);
    // Audited, with who and what.
    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/audit?action=wealth.holiday_added',
      headers: asAdmin,
    });
    expect(audit.statusCode, audit.body).toBe(200);
    expect(JSON.stringify(audit.json())).toContain('2026-01-08');
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/v1/wealth/ops/calendar/holidays/2026-01-08',
      headers: ops.headers,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await api(t, investor).get('/v1/wealth/calendar')).json().holidays).toEqual([]);
  });

  it('refuses a past date, a weekend, a second holiday on one date, and customers', async () => {
    expect((await holiday('2026-01-05')).json().error.code).toBe('holiday_in_the_past');
    expect((await holiday('2026-01-10')).json().error.code).toBe('holiday_on_weekend');
    expect((await holiday('2026-01-09')).statusCode).toBe(201);
    expect((await holiday('2026-01-09')).json().error.code).toBe('holiday_exists');
    const customer = await holiday('2026-01-12', investor);
    expect(customer.statusCode).toBe(403);
  });
});
