import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAdmin, openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { verifiedCustomer } from '../support/users.ts';

/** Finance reconciles a day whose statement disagrees with netfin in every way it can. */
let t: PaymentsTestApp;
beforeAll(async () => {
  t = await openPaymentsTestApp();
});
afterAll(() => t.close());

describe('reconciliation of a business day', () => {
  it('classifies every line, opens one exception per difference, and lets finance resolve them (audited)', async () => {
    const alice = await verifiedCustomer(t);
    const ids: string[] = [];
    for (const amount of ['10.00', '20.00', '30.00', '40.00']) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/me/top-ups',
        headers: alice.headers,
        payload: { amount: { amount, currency: 'CNY' }, cardId: alice.cardId },
      });
      ids.push(r.json().id);
    }
    await t.waitFor(async () => {
      const statuses = await Promise.all(
        ids.map(
          async (id) =>
            (await t.app.inject({ method: 'GET', url: `/v1/me/orders/${id}`, headers: alice.headers })).json()
              .status,
        ),
      );
      return statuses.every((s) => s === 'succeeded');
    }, 'four top-ups');
    // The statement leaves one out, reports another at a different amount, and has a line netfin never saw.
    t.sim.control.statementOmit.add(ids[0]!);
    t.sim.control.statementAmounts.set(ids[1]!, 2001n);
    const stranger = {
      ...t.sim.orders.get(ids[2]!)!,
      orderId: '01999999-aaaa-7000-8000-000000000001',
      channelOrderId: 'SIMSTRANGER',
    };
    t.sim.control.statementExtras.push(stranger);
    const date = t.platform.clock.businessDate();
    const run = async () =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/finance/reconciliations',
          headers: asAdmin,
          payload: { channel: 'sim', date },
        })
      ).json();
    const report = await run();
    expect(report.counts).toEqual({
      matched: 2,
      missing_in_netfin: 1,
      missing_at_channel: 1,
      amount_differs: 1,
      status_differs: 0,
    });
    const lines = (
      await t.app.inject({ method: 'GET', url: `/v1/finance/reconciliations/sim/${date}`, headers: asAdmin })
    ).json().items;
    expect(lines.find((l: { reference: string }) => l.reference === ids[1])).toMatchObject({
      classification: 'amount_differs',
      netfinAmount: { amount: '20.00' },
      channelAmount: { amount: '20.01' },
    });

    const open = async () =>
      (
        await t.app.inject({ method: 'GET', url: '/v1/finance/exceptions?status=open', headers: asAdmin })
      ).json().items;
    // Each with the money in question: the order's amount, or the channel's for a line only it has.
    const amounts = Object.fromEntries(
      (await open()).map((e: { kind: string; amount: { amount: string; currency: string } | null }) => [
        e.kind,
        e.amount,
      ]),
    );
    expect(amounts).toEqual({
      reconciliation_amount_differs: { amount: '20.00', currency: 'CNY' },
      reconciliation_missing_at_channel: { amount: '10.00', currency: 'CNY' },
      reconciliation_missing_in_netfin: { amount: '30.00', currency: 'CNY' },
    });
    // Running the day again replaces its lines and opens nothing twice.
    expect((await run()).counts).toEqual(report.counts);
    expect(await open()).toHaveLength(3);

    const exception = (await open())[0];
    const resolved = await t.app.inject({
      method: 'POST',
      url: `/v1/finance/exceptions/${exception.id}/resolve`,
      headers: asAdmin,
      payload: { resolution: 'accepted_netfin', note: 'channel confirmed by phone' },
    });
    expect(resolved.statusCode).toBe(204);
    const twice = await t.app.inject({
      method: 'POST',
      url: `/v1/finance/exceptions/${exception.id}/resolve`,
      headers: asAdmin,
      payload: { resolution: 'accepted_netfin', note: 'again' },
    });
    expect(twice.json().error.code).toBe('exception_already_resolved');
    expect(await open()).toHaveLength(2);
    const audit = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/admin/audit?action=payments.exception_resolved&subjectId=${exception.id}`,
        headers: asAdmin,
      })
    ).json().items;
    expect(audit[0]).toMatchObject({
      before: { status: 'open' },
      after: { status: 'resolved', resolution: 'accepted_netfin' },
    });
    // A customer may not see any of it.
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/finance/exceptions', headers: alice.headers }))
        .statusCode,
    ).toBe(403);
  });
});
