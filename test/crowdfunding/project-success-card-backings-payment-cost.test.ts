import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrowdfundingCode, projectAccount } from '../../src/crowdfunding/index.ts';
import { BUSINESS_TIME_ZONE, dateInZone } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
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
 * A project backed by card and from the wallet succeeds; the payment cost of its card backings goes
 * to income with the fee, from the creator's share, in the success posting. The simulated channel
 * charges 0.25% half up per top-up: 333.33 → 0.83, 200.00 → 0.50, 2.00 → 0.01 (0.005 half up); a
 * card backing cancelled before the cut-off costs the creator nothing (netfin bears its cost), nor
 * does the 600.00 from a wallet. Total 1,135.33: fee 5% = 56.77 (56.7665 half up), payment cost
 * 1.34, creator's share 1,077.22, paid at once (plan "all").
 */
describe('crowdfunding: the payment cost of card backings goes to income at success', () => {
  let t: PaymentsTestApp;
  let people: Team;
  let project: Project;
  let fans: (TestUser & { cardId: string })[];
  let giver: TestUser;

  beforeAll(async () => {
    t = await openPaymentsTestApp({ identity: { sessionTtlHours: 24 * 90 } });
    people = await team(t);
    fans = [];
    for (let i = 0; i < 4; i++) fans.push(await verifiedCustomer(t));
    giver = (await backers(t, 1, '1000.00'))[0]!;
    project = await liveProject(t, people.creator, people.reviewer, projectBody({ payout: { kind: 'all' } }));
  });
  afterAll(() => t?.close());

  const backingOf = async (user: TestUser, id: string) =>
    (await get(t, user, '/v1/crowdfunding/mine/backings'))
      .json()
      .items.find((b: { id: string }) => b.id === id);

  async function backByCard(fan: TestUser & { cardId: string }, amount: string) {
    const started = await post(t, fan, `/v1/crowdfunding/projects/${project.id}/backings/card`, {
      amount: cny(amount),
      cardId: fan.cardId,
    });
    expect(started.statusCode, started.body).toBe(202);
    const { backing, order } = started.json();
    await t.waitFor(async () => (await backingOf(fan, backing.id)).status === 'held', `${amount} held`);
    return { backingId: backing.id as string, orderId: order.id as string };
  }

  it('takes the card backings’ channel costs from the creator’s share, to the cent', async () => {
    const paid = [
      await backByCard(fans[0]!, '333.33'),
      await backByCard(fans[1]!, '200.00'),
      await backByCard(fans[2]!, '2.00'),
    ];
    const leaving = await backByCard(fans[3]!, '50.00');
    const cancelled = await post(t, fans[3]!, `/v1/crowdfunding/backings/${leaving.backingId}/cancel`);
    expect(cancelled.json().status).toBe('cancelled');
    expect((await backProject(t, giver, project.id, { amount: '600.00' })).statusCode).toBe(201);

    // Payments recorded each top-up's cost when it settled: these are what the creator is charged.
    const costs = await t.platform.payments.channelCosts([...paid, leaving].map((p) => p.orderId));
    expect([...paid, leaving].map((p) => costs.get(p.orderId))).toEqual([83n, 50n, 1n, 13n]);

    const income = async () => {
      const a = await t.platform.ledger.getAccount(t.platform.payments.feeIncomeAccount);
      return (a?.creditsPosted ?? 0n) - (a?.debitsPosted ?? 0n);
    };
    const incomeBefore = await income();
    const creatorBefore = (await walletOf(t, people.creator)).balance;
    const mine = (await get(t, people.creator, `/v1/crowdfunding/mine/projects/${project.id}`)).json();
    expect(mine).toMatchObject({ pledged: { amount: '1135.33' }, paymentCost: null, creatorShare: null });

    await closeTo(t, dateInZone(new Date(mine.deadlineAt), BUSINESS_TIME_ZONE));

    const settled = (await get(t, people.creator, `/v1/crowdfunding/mine/projects/${project.id}`)).json();
    expect(settled).toMatchObject({
      status: 'succeeded',
      fee: { amount: '56.77' },
      paymentCost: { amount: '1.34' },
      creatorShare: { amount: '1077.22' },
    });
    expect((await walletOf(t, people.creator)).balance - creatorBefore).toBe(minor('1077.22'));
    expect((await income()) - incomeBefore).toBe(minor('56.77') + minor('1.34'));
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(0n);
    const holds = await t.platform.ledger.getAccount(projectAccount.holds(project.id));
    expect(holds!.creditsPosted - holds!.debitsPosted).toBe(0n);
    const escrow = await t.platform.ledger.getAccount(projectAccount.escrow(project.id));
    expect(escrow!.creditsPosted).toBe(minor('1077.22'));

    // One transfer of the cost, its own code, out of the project's holds into fee income.
    const recovered = await t.platform.ledger.accountTransfers({
      accountId: projectAccount.holds(project.id),
      code: CrowdfundingCode.paymentCost,
      limit: 10,
    });
    expect(recovered.map((m) => [m.amount, m.creditAccountId])).toEqual([
      [134n, t.platform.payments.feeIncomeAccount],
    ]);
    await ledgerVerifies(t);
  });
});
