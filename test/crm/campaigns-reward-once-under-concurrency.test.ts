import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKETING_ACCOUNT } from '../../src/crm/index.ts';
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

/**
 * A reward is paid once per user and campaign however many attempts run at once (issue 20): single
 * attempts for one user and whole runs of the due rewards, in parallel. On PostgreSQL they really
 * run together (the campaign's row lock and the unique constraint decide); on PGlite they queue.
 */
let t: TestApp;

beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('a reward under concurrent attempts', () => {
  it('is paid exactly once, with one ledger transfer', async () => {
    const ops = await staffMember(t, ['operations']);
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/crm/campaigns',
      headers: ops.headers,
      payload: campaignBody({
        code: 'race',
        reward: { kind: 'cash', amount: cny('30.00') },
        referrerAmount: cny('10.00'),
      }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const campaignId = created.json().id as string;
    const referrer = await signUpFrom(t);
    const code = (
      await t.app.inject({ method: 'GET', url: '/v1/crm/referrals/mine', headers: referrer.headers })
    ).json().code;
    const user = await signUpFrom(t, { campaign: 'race', referrer: code });
    const other = await signUpFrom(t, { campaign: 'race' });
    await makeInvestor(t, user, '20000.00');
    await makeInvestor(t, other, '20000.00');
    await invest(t, user, '10000.00');
    await invest(t, other, '10000.00');

    const crm = t.platform.crmCampaigns;
    const outcomes = await Promise.all([
      ...Array.from({ length: 8 }, () => crm.payRewardOf(campaignId, user.userId)),
      ...Array.from({ length: 3 }, () => crm.payDueRewards()),
    ]);
    const singles = outcomes.slice(0, 8) as string[];
    const runs = outcomes.slice(8) as number[];
    // Each user is paid by exactly one of the attempts.
    expect(singles.filter((o) => o === 'paid').length + runs.reduce((a, b) => a + b, 0)).toBe(2);
    expect(singles.every((o) => o === 'paid' || o === 'already_paid')).toBe(true);

    const rows = await sql<{ role: string; beneficiary_id: string; amount: bigint; kind: string }>`
      select role, beneficiary_id, amount, kind from crm_rewards where campaign_id = ${campaignId}
      order by qualifying_user_id, role`.execute(t.platform.db);
    expect(rows.rows.map((r) => [r.beneficiary_id, r.role, BigInt(r.amount), r.kind])).toEqual(
      expect.arrayContaining([
        [user.userId, 'user', 3000n, 'cash'],
        [referrer.userId, 'referrer', 1000n, 'cash'],
        [other.userId, 'user', 3000n, 'cash'],
      ]),
    );
    expect(rows.rows).toHaveLength(3);
    expect(await walletAvailable(t, user)).toBe('10030.00');
    expect(await walletAvailable(t, referrer)).toBe('10.00');
    const transfers = await t.platform.ledger.accountTransfers({ accountId: MARKETING_ACCOUNT, limit: 100 });
    expect(transfers).toHaveLength(3);
    expect((await t.platform.ledger.verify()).problems).toEqual([]);
  });
});
