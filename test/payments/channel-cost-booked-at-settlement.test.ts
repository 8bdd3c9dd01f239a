import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNEL_COST_CODE,
  channelFeeAccountId,
  DEFAULT_PAYMENT_SETTINGS,
} from '../../src/payments/index.ts';
import { asAdmin, openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { verifiedCustomer } from '../support/users.ts';

/**
 * The simulated channel charges netfin 0.25% of each top-up it settles, half up to the cent: the
 * wallet is credited the whole amount, the cost is booked as channel fee expense (5001) in the
 * settlement's transaction, the channel's cash account holds what the channel remits (the amount
 * less the cost), and the order records its cost. A failed top-up costs nothing. The channel's
 * statement lists gross amounts, so reconciliation still matches every line.
 */
let t: PaymentsTestApp;
beforeAll(async () => {
  t = await openPaymentsTestApp();
});
afterAll(() => t?.close());

const account = async (id: string) => {
  const a = await t.platform.ledger.getAccount(id);
  return { debits: a?.debitsPosted ?? 0n, credits: a?.creditsPosted ?? 0n };
};

describe('payments: the channel cost of a top-up, booked when it settles', () => {
  it('uses the documented default: the simulated channel, 0.0025 half up, no minimum', () => {
    expect(DEFAULT_PAYMENT_SETTINGS.channelCosts.sim).toEqual({ rate: '0.0025', minimum: 0n });
    expect(DEFAULT_PAYMENT_SETTINGS.channelCostRounding).toBe('half_up');
  });

  it('credits the whole amount, books the cost to 5001 and leaves the net in channel cash', async () => {
    const alice = await verifiedCustomer(t);
    const cashBefore = await account('channel:sim:cash:CNY');
    const feesBefore = await account(channelFeeAccountId('sim'));
    // 0.0025 × amount: 0.005 rounds up to 0.01 (half up; half even would give 0.00), 0.004975 down
    // to 0.00, 0.02505 up to 0.03, 2.5 exactly.
    const cases = [
      { amount: '2.00', cost: 1n },
      { amount: '1.99', cost: 0n },
      { amount: '10.02', cost: 3n },
      { amount: '1000.00', cost: 250n },
    ];
    const ids: string[] = [];
    for (const c of cases) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/me/top-ups',
        headers: alice.headers,
        payload: { amount: { amount: c.amount, currency: 'CNY' }, cardId: alice.cardId },
      });
      expect(r.statusCode, r.body).toBe(202);
      ids.push(r.json().id);
    }
    await t.waitFor(async () => {
      const orders = await Promise.all(ids.map((id) => t.platform.payments.order(alice.userId, id)));
      return orders.every((o) => o.status === 'succeeded');
    }, 'four top-ups');

    const costs = await t.platform.payments.channelCosts(ids);
    expect(ids.map((id) => costs.get(id))).toEqual(cases.map((c) => c.cost));
    expect(await t.platform.payments.channelCostOf(ids[3]!)).toBe(250n);

    const gross = 2_00n + 1_99n + 10_02n + 1000_00n;
    const cost = 1n + 0n + 3n + 250n;
    expect((await t.platform.payments.wallet(alice.userId)).balance).toBe(gross);
    const cash = await account('channel:sim:cash:CNY');
    expect(cash.debits - cash.credits - (cashBefore.debits - cashBefore.credits)).toBe(gross - cost);
    const fees = await account(channelFeeAccountId('sim'));
    expect(fees.debits - feesBefore.debits).toBe(cost);
    expect(fees.credits).toBe(0n);
    // The cost's transfer is the order's own (one id per order), code 107.
    const replay = await t.platform.payments.context.ledger.lookupTransfers([`pay:${ids[3]}:channel-cost`]);
    expect(replay[0]).toMatchObject({ amount: 250n, code: CHANNEL_COST_CODE });

    const report = await t.app.inject({
      method: 'POST',
      url: '/v1/finance/reconciliations',
      headers: asAdmin,
      payload: { channel: 'sim', date: t.platform.clock.businessDate() },
    });
    expect(report.json().counts).toMatchObject({ matched: 4, amount_differs: 0, missing_in_netfin: 0 });
    const verify = await t.platform.ledger.verify();
    expect(verify.problems).toEqual([]);
  });

  it('books nothing for a top-up the channel fails', async () => {
    const bob = await verifiedCustomer(t);
    const feesBefore = await account(channelFeeAccountId('sim'));
    t.sim.control.failureRate = 1;
    try {
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/me/top-ups',
        headers: bob.headers,
        payload: { amount: { amount: '500.00', currency: 'CNY' }, cardId: bob.cardId },
      });
      const id = r.json().id as string;
      await t.waitFor(
        async () => (await t.platform.payments.order(bob.userId, id)).status === 'failed',
        'the failed top-up',
      );
      expect(await t.platform.payments.channelCostOf(id)).toBeNull();
      expect((await t.platform.payments.order(bob.userId, id)).channelCost).toBeNull();
    } finally {
      t.sim.control.failureRate = 0;
    }
    expect(await account(channelFeeAccountId('sim'))).toEqual(feesBefore);
    expect((await t.platform.payments.wallet(bob.userId)).balance).toBe(0n);
  });
});
