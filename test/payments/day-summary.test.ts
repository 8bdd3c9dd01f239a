import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAdmin, openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { signUp, verifiedCustomer } from '../support/users.ts';

/**
 * Finance's dashboard figures (GET /v1/finance/day-summary): the business day's top-ups and
 * withdrawals by channel, and the open exceptions with their amount, recomputed here from the orders
 * the test makes and the difference it plants in the channel's statement.
 */
let t: PaymentsTestApp;
beforeAll(async () => {
  t = await openPaymentsTestApp();
});
afterAll(() => t.close());

const cny = (amount: string) => ({ amount, currency: 'CNY' });
const summary = async (query = '', headers: Record<string, string> = asAdmin) =>
  t.app.inject({ method: 'GET', url: `/v1/finance/day-summary${query}`, headers });

describe("the finance day's summary", () => {
  it('adds up the succeeded top-ups and withdrawals by channel, and the open exceptions with their amount', async () => {
    const date = t.platform.clock.businessDate();
    const empty = await summary();
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json()).toMatchObject({
      businessDate: date,
      topUps: { count: 0, amount: cny('0.00'), byChannel: [] },
      exceptions: { open: 0, amount: cny('0.00') },
    });

    const alice = await verifiedCustomer(t);
    const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: alice.headers, ...(payload ? { payload } : {}) });
    const ids: string[] = [];
    for (const amount of ['100.00', '250.50']) {
      ids.push(
        (await call('POST', '/v1/me/top-ups', { amount: cny(amount), cardId: alice.cardId })).json().id,
      );
    }
    await call('POST', '/v1/me/payment-password', {
      paymentPassword: '246810',
      accountPassword: alice.password,
    });
    const out = await call('POST', '/v1/me/withdrawals', {
      amount: cny('40.00'),
      cardId: alice.cardId,
      paymentPassword: '246810',
    });
    expect(out.statusCode, out.body).toBe(202);
    ids.push(out.json().id);
    await t.waitFor(async () => {
      const statuses = await Promise.all(
        ids.map(async (id) => (await call('GET', `/v1/me/orders/${id}`)).json().status),
      );
      return statuses.every((s) => s === 'succeeded');
    }, 'two top-ups and a withdrawal');

    const day = (await summary(`?date=${date}`)).json();
    expect(day.topUps).toEqual({
      count: 2,
      amount: cny('350.50'),
      byChannel: [{ channel: 'sim', count: 2, amount: cny('350.50') }],
    });
    expect(day.withdrawals).toMatchObject({ count: 1, amount: cny('40.00') });
    expect(day.pending.count).toBe(0);

    // The channel's statement leaves out the 250.50 top-up: one open exception of that amount.
    t.sim.control.statementOmit.add(ids[1]!);
    const run = await t.app.inject({
      method: 'POST',
      url: '/v1/finance/reconciliations',
      headers: asAdmin,
      payload: { channel: 'sim', date },
    });
    expect(run.statusCode, run.body).toBe(200);
    expect((await summary()).json().exceptions).toEqual({ open: 1, amount: cny('250.50') });
    // Another day had none of it.
    const yesterday = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect((await summary(`?date=${yesterday}`)).json().topUps.count).toBe(0);
  });

  it('refuses a malformed date, and anyone but finance', async () => {
    expect((await summary('?date=2026-02-30')).statusCode).toBe(400);
    expect((await summary('?day=2026-01-01')).statusCode).toBe(400);
    const bob = await signUp(t);
    expect((await summary('', bob.headers)).statusCode).toBe(403);
  });
});
