import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signNotification } from '../../src/payments/index.ts';
import {
  backers,
  backProject,
  get,
  ledgerVerifies,
  liveProject,
  type Project,
  post,
  projectBody,
  type Team,
  team,
  walletOf,
} from '../support/crowdfunding.ts';
import { cny, minor } from '../support/lending.ts';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import { type TestUser, verifiedCustomer } from '../support/users.ts';

/**
 * Backing by card through the channel: a top-up of the exact amount goes to the channel and the
 * backing waits for it; the channel's signed notification (which may come twice, late or forged)
 * settles the top-up and, in that transaction, holds the backing once; a forgery does nothing; a
 * tier sold out or a project closed meanwhile fails the backing with its reason and the money stays
 * in the wallet; a failed payment takes nothing.
 */
describe('crowdfunding: backing by card through a channel', () => {
  let t: PaymentsTestApp;
  let people: Team;
  let project: Project;
  let fan: TestUser & { cardId: string };

  beforeAll(async () => {
    t = await openPaymentsTestApp({ identity: { sessionTtlHours: 24 * 90 } });
    people = await team(t);
    fan = await verifiedCustomer(t);
    project = await liveProject(
      t,
      people.creator,
      people.reviewer,
      projectBody({
        tiers: [
          {
            title: 'The only one',
            description: 'Serial number 1',
            price: cny('300.00'),
            quantity: 1,
            deliveryMonth: '2026-06',
            shipping: true,
          },
          {
            title: 'Thanks',
            description: 'A postcard',
            price: cny('10.00'),
            quantity: null,
            deliveryMonth: '2026-03',
            shipping: false,
          },
        ],
      }),
    );
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    t.sim.reset();
    t.sim.control.silent = true; // the test sends the notifications itself
  });

  const byCard = (user: TestUser & { cardId: string }, what: { tierId: string } | { amount: string }) =>
    post(t, user, `/v1/crowdfunding/projects/${project.id}/backings/card`, {
      ...('tierId' in what ? { tierId: what.tierId } : { amount: cny(what.amount) }),
      cardId: user.cardId,
    });

  /** The channel's notification for an order, signed with `secret`. */
  async function notify(
    user: TestUser,
    orderId: string,
    notificationId: string,
    options: { secret?: string; status?: 'succeeded' | 'failed' } = {},
  ) {
    const order = (await get(t, user, `/v1/me/orders/${orderId}`)).json();
    const raw = JSON.stringify({
      notificationId,
      orderId,
      channelOrderId: order.channelOrderId,
      account: 'netfin',
      type: 'charge',
      status: options.status ?? 'succeeded',
      amount: order.amount.amount,
      currency: 'CNY',
      completedAt: t.clock.now().toISOString(),
    });
    const timestamp = Math.floor(t.clock.now().getTime() / 1000);
    return t.app.inject({
      method: 'POST',
      url: '/v1/payments/channels/sim/notify',
      headers: {
        'content-type': 'application/json',
        'x-sim-timestamp': String(timestamp),
        'x-sim-signature': signNotification(options.secret ?? 'test-sim-secret', timestamp, raw),
      },
      payload: raw,
    });
  }

  const backingOf = async (user: TestUser, id: string) =>
    (await get(t, user, '/v1/crowdfunding/mine/backings'))
      .json()
      .items.find((b: { id: string }) => b.id === id);
  const projectNow = async () =>
    (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project;
  const smsTo = async (template: string) =>
    (
      await sql<{
        n: bigint;
      }>`select count(*)::int8 as n from notification_outbox where template = ${template}`.execute(
        t.platform.db,
      )
    ).rows[0]!.n;

  it('holds the backing once when the notification comes twice, and not at all on a forged one', async () => {
    const before = await walletOf(t, fan);
    const started = await byCard(fan, { tierId: project.tiers[1]!.id });
    expect(started.statusCode, started.body).toBe(202);
    const { backing, order } = started.json();
    expect(backing).toMatchObject({
      status: 'awaiting_payment',
      paymentOrderId: order.id,
      failureReason: null,
    });
    expect((await get(t, fan, `/v1/me/orders/${order.id}`)).json()).toMatchObject({
      kind: 'top_up',
      status: 'pending',
      amount: cny('10.00'),
    });
    expect((await projectNow()).pledged.amount).toBe('0.00');

    const forged = await notify(fan, order.id, 'cf-forged', { secret: 'not-the-secret' });
    expect(forged.statusCode).toBe(401);
    expect((await backingOf(fan, backing.id)).status).toBe('awaiting_payment');
    expect(await walletOf(t, fan)).toEqual(before);

    for (const attempt of [1, 2]) {
      const genuine = await notify(fan, order.id, 'cf-genuine-1');
      expect(genuine.statusCode, `attempt ${attempt}`).toBe(200);
    }
    // A second notification with an id of its own about the same order changes nothing either.
    expect((await notify(fan, order.id, 'cf-genuine-2')).statusCode).toBe(200);
    expect((await backingOf(fan, backing.id)).status).toBe('held');
    const after = await walletOf(t, fan);
    expect(after.balance).toBe(before.balance + minor('10.00'));
    expect(after.available).toBe(before.available); // the 10.00 came in and is frozen in the backing
    const now = await projectNow();
    expect([now.pledged.amount, now.backers]).toEqual(['10.00', 1]);
    const holds = await sql<{ n: bigint }>`select count(*)::int8 as n from crowdfunding_backings
      where project_id = ${project.id}::uuid and status = 'held'`.execute(t.platform.db);
    expect(holds.rows[0]!.n).toBe(1n);
    await ledgerVerifies(t);
  });

  it('fails the backing when the tier sells out meanwhile: the money stays in the wallet', async () => {
    const [rival] = await backers(t, 1, '1000.00');
    const before = await walletOf(t, fan);
    const started = (await byCard(fan, { tierId: project.tiers[0]!.id })).json();
    expect(started.backing.status).toBe('awaiting_payment');
    // Someone takes the only unit from their wallet while the card payment is on its way.
    expect((await backProject(t, rival!, project.id, { tierId: project.tiers[0]!.id })).statusCode).toBe(201);
    expect((await notify(fan, started.order.id, 'cf-sold-out')).statusCode).toBe(200);
    const failed = await backingOf(fan, started.backing.id);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason.code).toBe('tier_sold_out');
    expect(failed.failureReason.zh).toContain('售罄');
    const after = await walletOf(t, fan);
    expect(after.balance).toBe(before.balance + minor('300.00'));
    expect(after.available).toBe(before.available + minor('300.00'));
    const now = await projectNow();
    expect(now.tiers[0]).toMatchObject({ sold: 1, remaining: 0 });
    expect(now.pledged.amount).toBe('310.00');
    expect(await smsTo('crowdfunding.backing_failed')).toBe(1n);
    // Sold out now: the card is not charged at all.
    const refused = await byCard(fan, { tierId: project.tiers[0]!.id });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('tier_sold_out');
    await ledgerVerifies(t);
  });

  it('takes nothing when the payment fails', async () => {
    const before = await walletOf(t, fan);
    const started = (await byCard(fan, { amount: '50.00' })).json();
    expect((await notify(fan, started.order.id, 'cf-declined', { status: 'failed' })).statusCode).toBe(200);
    const failed = await backingOf(fan, started.backing.id);
    expect([failed.status, failed.failureReason.code]).toEqual(['failed', 'payment_failed']);
    expect(await walletOf(t, fan)).toEqual(before);
    expect((await projectNow()).pledged.amount).toBe('310.00');
  });

  it('holds once when the channel itself sends every notification twice, out of order', async () => {
    t.sim.control.silent = false;
    t.sim.control.duplicateRate = 1;
    t.sim.control.jitterMs = 40;
    const started = (await byCard(fan, { amount: '20.00' })).json();
    await t.waitFor(
      async () => (await backingOf(fan, started.backing.id)).status === 'held',
      'the backing to be held',
    );
    await t.waitFor(async () => t.sim.delivered.length >= 2, 'the duplicate to be delivered');
    const now = await projectNow();
    expect(now.pledged.amount).toBe('330.00');
    const transfers = await sql<{ n: bigint }>`select count(*)::int8 as n from ledger_transfers
      where id like ${`cf:backing:${started.backing.id}%`}`.execute(t.platform.db);
    expect(transfers.rows[0]!.n).toBe(1n);
  });

  it('fails the backing when the project closed before the payment came: the money stays in the wallet', async () => {
    const before = await walletOf(t, fan);
    const started = (await byCard(fan, { amount: '80.00' })).json();
    t.clock.advanceSeconds(11 * 86_400); // past the deadline (10 days), the notification comes late
    expect((await notify(fan, started.order.id, 'cf-late')).statusCode).toBe(200);
    const failed = await backingOf(fan, started.backing.id);
    expect([failed.status, failed.failureReason.code]).toEqual(['failed', 'project_closed']);
    const after = await walletOf(t, fan);
    expect(after.available).toBe(before.available + minor('80.00'));
    expect((await projectNow()).pledged.amount).toBe('330.00');
    await ledgerVerifies(t);
  });
});
