import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewardRanges } from '../../src/crm/index.ts';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { signInAgain, staffMember } from '../support/credit.ts';
import {
  campaignBody,
  cny,
  invest,
  makeInvestor,
  signUpFrom,
  signUpRequest,
  walletAvailable,
} from '../support/crm-campaigns.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { cents, mmfHolding, redeemMmf } from '../support/wealth.ts';
import { buy, fixedTerms, opsTeam, publishFixed } from '../support/wealth-fixed.ts';

/**
 * A campaign's limits stop its rewards (issue 20): a reward budget of 100.00 at 40.00 a reward pays
 * two, then a count limit of one on another campaign pays one. And a malformed sign-up source is
 * refused with a 400 before anything is written: no account, no source, no referral code.
 */
let t: TestApp;
let ops: TestUser;

beforeAll(async () => {
  t = await openTestApp();
  ops = await staffMember(t, ['operations']);
});
afterAll(async () => {
  await t?.close();
});

async function campaign(overrides: Record<string, unknown>): Promise<string> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/crm/campaigns',
    headers: ops.headers,
    payload: campaignBody(overrides),
  });
  expect(created.statusCode, created.body).toBe(201);
  return created.json().id;
}

async function qualifiedUsers(code: string, n: number): Promise<TestUser[]> {
  const users: TestUser[] = [];
  for (let i = 0; i < n; i++) {
    const user = await signUpFrom(t, { campaign: code });
    await makeInvestor(t, user, '1000.00');
    await invest(t, user, '1000.00');
    users.push(user);
  }
  return users;
}

describe("a campaign's limits", () => {
  it('stop rewards at the reward budget and at the count', async () => {
    const byBudget = await campaign({
      code: 'budget_cap',
      reward: { kind: 'cash', amount: cny('40.00') },
      rewardBudget: cny('100.00'),
    });
    const byCount = await campaign({ code: 'count_cap', maxRewards: 1 });
    const budgetUsers = await qualifiedUsers('budget_cap', 3);
    const countUsers = await qualifiedUsers('count_cap', 2);
    await t.platform.crmCampaigns.payDueRewards();

    const paid = async (id: string) =>
      (await t.app.inject({ method: 'GET', url: `/v1/crm/campaigns/${id}`, headers: ops.headers })).json()
        .rewardsPaid;
    expect(await paid(byBudget)).toEqual({ count: 2, amount: cny('80.00') });
    expect(await paid(byCount)).toEqual({ count: 1, amount: cny('50.00') });
    const wallets = await Promise.all(budgetUsers.map((u) => walletAvailable(t, u)));
    expect(wallets.filter((w) => w === '40.00')).toHaveLength(2);
    expect(wallets.filter((w) => w === '0.00')).toHaveLength(1);
    expect(await t.platform.crmCampaigns.payRewardOf(byCount, countUsers[1]!.userId)).not.toBe('paid');

    // Raising the count limit lets the next run pay the one left out.
    const current = (
      await t.app.inject({ method: 'GET', url: `/v1/crm/campaigns/${byCount}`, headers: ops.headers })
    ).json();
    const raised = await t.app.inject({
      method: 'PUT',
      url: `/v1/crm/campaigns/${byCount}`,
      headers: ops.headers,
      payload: { ...campaignBody({ maxRewards: 2 }), code: undefined, name: current.name },
    });
    expect(raised.statusCode, raised.body).toBe(200);
    expect(await t.platform.crmCampaigns.payDueRewards()).toBe(1);
    expect(await paid(byCount)).toEqual({ count: 2, amount: cny('100.00') });
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});

describe('the crm.rewards day-close step', () => {
  it('pays in chunks of sign-ups, each reward once, nothing for a first investment below the minimum', async () => {
    const id = await campaign({ code: 'chunked', reward: { kind: 'cash', amount: cny('10.00') } });
    const qualified = await qualifiedUsers('chunked', 3);
    const small = await signUpFrom(t, { campaign: 'chunked' });
    await makeInvestor(t, small, '1000.00');
    await invest(t, small, '100.00');

    const step = t.platform.crmCampaigns.daySteps().find((s) => s.name === 'crm.rewards')!;
    expect(step.plan).toBeDefined();
    // One sign-up a chunk: every chunk is its own transaction in the close.
    const chunks = await rewardRanges(t.platform.db, 1);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    const date = t.clock.businessDate();
    const runAll = async () => {
      let n = 0;
      for (const bounds of chunks) n += await step.run(t.platform.db, date, bounds);
      return n;
    };
    expect(await runAll()).toBe(3);
    expect(await runAll()).toBe(0);
    const paid = (
      await t.app.inject({ method: 'GET', url: `/v1/crm/campaigns/${id}`, headers: ops.headers })
    ).json().rewardsPaid;
    expect(paid).toEqual({ count: 3, amount: cny('30.00') });
    for (const user of qualified) expect(await walletAvailable(t, user)).toBe('10.00');
    expect(await walletAvailable(t, small)).toBe('900.00');
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});

describe('a fixed-term purchase as the first investment', () => {
  it('earns nothing while its raise may fail, nor after the failed raise refunded it', async () => {
    const id = await campaign({ code: 'fixed_raise', reward: { kind: 'cash', amount: cny('20.00') } });
    const user = await signUpFrom(t, { campaign: 'fixed_raise' });
    await makeInvestor(t, user, '5000.00');
    const start = await t.platform.batch.businessDate();
    const terms = fixedTerms(start, { minTotal: '100000.00' });
    const fixed = await publishFixed(t, await opsTeam(t), terms);
    const bought = await buy(t, user, fixed.id, '2000.00');
    expect(bought.statusCode, bought.body).toBe(201);
    const paid = async () =>
      (await t.app.inject({ method: 'GET', url: `/v1/crm/campaigns/${id}`, headers: ops.headers })).json()
        .rewardsPaid;

    expect(await t.platform.crmCampaigns.payRewardOf(id, user.userId)).toBe('not_qualified');
    // The close of the last raising day refunds the purchase (the raise missed its minimum) and runs
    // crm.rewards after it: still nothing paid, and the wallet holds exactly what was put in.
    await closeTo(t, terms.raiseEnd as PlainDate);
    expect(await paid()).toEqual({ count: 0, amount: cny('0.00') });
    expect(await walletAvailable(t, user)).toBe('5000.00');
  });
});

describe('a rate coupon', () => {
  it('is paid once its days have run, on what was kept invested, not at once', async () => {
    const id = await campaign({ code: 'coupon', reward: { kind: 'rate_coupon', rate: '0.0365', days: 10 } });
    const keeper = await signUpFrom(t, { campaign: 'coupon' });
    const leaver = await signUpFrom(t, { campaign: 'coupon' });
    for (const user of [keeper, leaver]) {
      await makeInvestor(t, user, '20000.00');
      await invest(t, user, '10000.00');
    }
    const start = await t.platform.batch.businessDate();
    const rewards = async () =>
      (
        await sql<{ user_id: string; amount: bigint; invested_amount: bigint }>`
          select qualifying_user_id as user_id, amount, invested_amount from crm_rewards where campaign_id = ${id}`.execute(
          t.platform.db,
        )
      ).rows.map((r) => ({ user: r.user_id, amount: BigInt(r.amount), base: BigInt(r.invested_amount) }));
    // Qualified, but the coupon's ten days have not run: nothing to cash by redeeming at once.
    expect(await t.platform.crmCampaigns.payRewardOf(id, keeper.userId)).toBe('pending');
    await closeTo(t, addDays(start, 3));
    expect(await rewards()).toEqual([]);
    // The leaver takes 6,000.00 of the 10,000.00 back before the coupon is due.
    const redeemed = await redeemMmf(t, leaver, '6000.00', 'normal');
    expect(redeemed.statusCode, redeemed.body).toBe(201);
    await closeTo(t, addDays(start, 9));
    expect(await rewards()).toEqual([]);
    await closeTo(t, addDays(start, 10));
    const held = cents((await mmfHolding(t, await signInAgain(t, leaver))).units.amount);
    expect(held).toBeLessThan(1_000_000n);
    expect(held).toBeGreaterThanOrEqual(400_000n);
    // base × 3.65% × 10 / 365 = base / 1,000, rounded down to the cent.
    expect(await rewards()).toEqual(
      expect.arrayContaining([
        { user: keeper.userId, amount: 1_000n, base: 1_000_000n },
        { user: leaver.userId, amount: held / 1_000n, base: held },
      ]),
    );
    expect(await rewards()).toHaveLength(2);
    expect(await t.platform.crmCampaigns.payRewardOf(id, keeper.userId)).toBe('already_paid');
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});

describe('a malformed sign-up source', () => {
  it('is refused with a 400 and nothing is written', async () => {
    const count = async () =>
      (
        await sql<{ users: number; sources: number; codes: number }>`
          select (select count(*) from users)::int as users, (select count(*) from crm_signup_sources)::int as sources,
                 (select count(*) from crm_referral_codes)::int as codes`.execute(t.platform.db)
      ).rows[0]!;
    const before = await count();
    for (const source of [
      { referrer: 'O0IL1234' },
      { campaign: 'Spring Sale' },
      { channel: 'WeChat!' },
      { utm: { source: 'x'.repeat(101) } },
      { utm: { sauce: 'x' } },
      { unknown: 'field' },
      'spring',
    ]) {
      const { response } = await signUpRequest(t, source);
      expect(response.statusCode, JSON.stringify(source)).toBe(400);
    }
    expect(await count()).toEqual(before);
    const good = await signUpFrom(t, { utm: { source: '  ', medium: 'email' } });
    const recorded = await t.platform.crmCampaigns.sourceOf(good.userId);
    expect(recorded?.utm).toEqual({ medium: 'email' });
  });
});
