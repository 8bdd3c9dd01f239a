import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignTotals, channelTotals } from '../../src/crm/campaigns/figures.ts';
import { MARKETING_ACCOUNT } from '../../src/crm/index.ts';
import { closeTo } from '../support/batch.ts';
import { staffMember } from '../support/credit.ts';
import {
  campaignBody,
  cny,
  invest,
  makeInvestor,
  signUpFrom,
  walletAvailable,
} from '../support/crm-campaigns.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A campaign from its sign-ups to its paid rewards (issue 20): sign-ups arrive with the campaign's
 * code, UTM parameters and a referrer's code; operations enter spend; first investments are made;
 * the day-close pays each qualifying user's bonus and their referrer's reward once, from the
 * marketing expense account, and the ledger still verifies. The figures are counted by hand.
 */
let t: TestApp;
let ops: TestUser;
let campaignId: string;
let referrer: TestUser;
let referrerCode: string;
const users: Record<string, TestUser> = {};

beforeAll(async () => {
  t = await openTestApp();
  ops = await staffMember(t, ['operations']);
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string, user: { headers: Record<string, string> }) =>
  t.app.inject({ method: 'GET', url, headers: user.headers });

describe('a campaign from sign-ups to paid rewards', () => {
  it('is created by operations, and refused to a reader', async () => {
    const reader = await staffMember(t, ['finance']);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/campaigns',
      headers: reader.headers,
      payload: campaignBody(),
    });
    expect(refused.statusCode).toBe(403);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/campaigns',
      headers: ops.headers,
      payload: campaignBody({ referrerAmount: cny('20.00') }),
    });
    expect(created.statusCode, created.body).toBe(201);
    campaignId = created.json().id;
    expect(created.json()).toMatchObject({ code: 'spring', channel: 'wechat', reward: { kind: 'cash' } });
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/campaigns',
      headers: ops.headers,
      payload: campaignBody(),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('campaign_code_taken');
  });

  it('records each sign-up source: campaign, referrer and UTM parameters', async () => {
    referrer = await signUpFrom(t);
    const mine = await get('/v1/crm/referrals/mine', referrer);
    expect(mine.statusCode, mine.body).toBe(200);
    referrerCode = mine.json().code;
    expect(referrerCode).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    users.a = await signUpFrom(t, {
      campaign: 'spring',
      referrer: referrerCode.toLowerCase(),
      utm: { source: 'wechat', medium: 'cpc', campaign: 'spring_a' },
    });
    users.b = await signUpFrom(t, { campaign: 'spring', utm: { source: 'wechat' } });
    users.c = await signUpFrom(t, { campaign: 'spring' });
    users.d = await signUpFrom(t, { campaign: 'spring' });
    users.stale = await signUpFrom(t, { campaign: 'no_such_campaign', referrer: 'ZZZZZZZZ' });

    const a = await t.platform.crmCampaigns.sourceOf(users.a!.userId);
    expect(a).toMatchObject({
      campaignId,
      channel: 'wechat',
      referralCode: referrerCode,
      referrerId: referrer.userId,
      utm: { source: 'wechat', medium: 'cpc', campaign: 'spring_a' },
    });
    const stale = await t.platform.crmCampaigns.sourceOf(users.stale!.userId);
    expect(stale).toMatchObject({
      campaignId: null,
      campaignCode: 'no_such_campaign',
      referrerId: null,
      channel: 'organic',
    });
    // Every customer has a code of their own.
    const codes = await sql<{
      n: number;
    }>`select count(distinct code)::int as n from crm_referral_codes`.execute(t.platform.db);
    expect(codes.rows[0]!.n).toBe(6);
  });

  it('keeps spend entries append-only, corrections included', async () => {
    for (const [amount, note] of [
      ['3000.00', 'WeChat ads, January'],
      ['-500.00', 'refund of unserved impressions'],
    ] as const) {
      const entered = await t.app.inject({
        method: 'POST',
        url: `/v1/crm/campaigns/${campaignId}/spend`,
        headers: ops.headers,
        payload: { amount: cny(amount), spentOn: '2026-01-05', note },
      });
      expect(entered.statusCode, entered.body).toBe(201);
    }
    const list = await get(`/v1/crm/campaigns/${campaignId}/spend`, ops);
    expect(list.json().items.map((i: { amount: { amount: string } }) => i.amount.amount)).toEqual([
      '3000.00',
      '-500.00',
    ]);
  });

  it('pays the qualifying first investments and their referrer once, from marketing expense', async () => {
    await makeInvestor(t, users.a!, '5000.00');
    await makeInvestor(t, users.b!, '5000.00');
    await makeInvestor(t, users.c!, '5000.00');
    await makeInvestor(t, users.d!, '0.00');
    await invest(t, users.a!, '2000.00');
    await invest(t, users.b!, '1000.00');
    await invest(t, users.c!, '500.00'); // below the minimum: no reward
    const before = await walletAvailable(t, users.a!);
    expect(before).toBe('3000.00');

    await closeTo(t, '2026-01-05');

    const rewards = await get(`/v1/crm/campaigns/${campaignId}/rewards`, ops);
    expect(rewards.statusCode, rewards.body).toBe(200);
    const paid = rewards
      .json()
      .items.map((r: { beneficiaryId: string; role: string; amount: { amount: string } }) => [
        r.beneficiaryId,
        r.role,
        r.amount.amount,
      ]);
    expect(paid).toHaveLength(3);
    expect(paid).toEqual(
      expect.arrayContaining([
        [users.a!.userId, 'user', '50.00'],
        [referrer.userId, 'referrer', '20.00'],
        [users.b!.userId, 'user', '50.00'],
      ]),
    );
    expect(await walletAvailable(t, users.a!)).toBe('3050.00');
    expect(await walletAvailable(t, referrer)).toBe('20.00');
    expect(await walletAvailable(t, users.c!)).toBe('4500.00');

    // Paying again pays nothing more.
    expect(await t.platform.crmCampaigns.payDueRewards()).toBe(0);
    const marketing = await t.platform.ledger.getAccount(MARKETING_ACCOUNT);
    expect(marketing).toMatchObject({ code: 5301, debitsPosted: 12_000n, creditsPosted: 0n });
    const report = await t.platform.ledger.verify();
    expect(report.problems).toEqual([]);
  });

  it('shows the referrer whom they brought, masked, and what it earned them', async () => {
    const mine = await get('/v1/crm/referrals/mine', referrer);
    expect(mine.json()).toEqual({
      code: referrerCode,
      earned: cny('20.00'),
      referred: [
        { phone: expect.stringMatching(/^\d{3}\*{4}\d{4}$/), signedUpOn: '2026-01-05', earned: cny('20.00') },
      ],
    });
    expect(mine.json().referred[0].phone).not.toBe(users.a!.phone);
  });

  it("gives the campaign's and the channel's figures as counted by hand", async () => {
    const figures = await get(`/v1/crm/campaigns/${campaignId}/figures`, ops);
    expect(figures.statusCode, figures.body).toBe(200);
    // a, b, c, d signed up through it; all four verified; a, b and c invested.
    expect(figures.json().figures).toEqual({
      signUps: 4,
      verified: 4,
      firstTransaction: 3,
      conversion: { verified: '1.0000', firstTransaction: '0.7500', overall: '0.7500' },
      spend: cny('2500.00'),
      rewardsPaid: cny('120.00'),
      costPerAcquisition: cny('833.33'),
      invested: cny('3500.00'),
      borrowed: cny('0.00'),
      revenue: cny('0.00'),
      returnOnSpend: '0.0000',
    });
    const channels = await get('/v1/crm/channels/figures', ops);
    expect(channels.statusCode, channels.body).toBe(200);
    const byChannel = new Map(
      channels.json().items.map((i: { channel: string; figures: unknown }) => [i.channel, i.figures]),
    );
    expect(byChannel.get('wechat')).toMatchObject({ signUps: 4, firstTransaction: 3, spend: cny('2500.00') });
    // The referrer and the stale link's sign-up: organic, unverified.
    expect(byChannel.get('organic')).toMatchObject({
      signUps: 2,
      verified: 0,
      firstTransaction: 0,
      spend: cny('0.00'),
    });
  });

  it('adds the same totals a page of one user at a time as in one page', async () => {
    const { db, identity } = t.platform;
    const whole = await campaignTotals(db, identity, campaignId);
    expect(whole.signUps).toBe(4);
    expect(await campaignTotals(db, identity, campaignId, 1)).toEqual(whole);
    const channels = await channelTotals(db, identity);
    expect(channels.get('wechat')?.firstTransaction).toBe(3);
    expect(await channelTotals(db, identity, 1)).toEqual(channels);
  });
});
