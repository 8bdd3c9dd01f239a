import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectAccount } from '../../src/crowdfunding/index.ts';
import { BUSINESS_TIME_ZONE, dateInZone } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  backers,
  backProject,
  get,
  ledgerVerifies,
  openCrowdfundingApp,
  type Project,
  post,
  projectBody,
  type Team,
  team,
  walletOf,
} from '../support/crowdfunding.ts';
import { minor } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A project from submission to success with milestone payouts: the reviewer sees the decision
 * engine's view of the creator and sends the project back once; five backers take the limited tier
 * and one gives 600.00 without a reward (1,100.00 against a 1,000.00 target); day-close after the
 * deadline posts every hold, takes the 5% fee (55.00) and puts 1,045.00 in escrow; three milestones
 * (0.3, 0.3, 0.4) are released on evidence, one rejected first: 313.50, 313.50, and the last the
 * exact remainder 418.00.
 */
describe('crowdfunding: a project from submission to success with milestone payouts', () => {
  let t: TestApp;
  let people: Team;
  let crowd: TestUser[];
  let project: Project;
  const milestones = {
    kind: 'milestones',
    milestones: [
      { title: 'Prototype', share: '0.3' },
      { title: 'Tooling', share: '0.3' },
      { title: 'Shipping', share: '0.4' },
    ],
  };

  beforeAll(async () => {
    t = await openCrowdfundingApp();
    people = await team(t);
    crowd = await backers(t, 6, '1000.00');
  });
  afterAll(() => t?.close());

  it('refuses a story with a script, and shares that do not sum to 1, writing nothing', async () => {
    const script = await post(
      t,
      people.creator,
      '/v1/crowdfunding/projects',
      projectBody({ story: '<p>hi</p><script>alert(1)</script>' }),
    );
    expect([script.statusCode, script.json().error.code]).toEqual([400, 'story_markup_not_allowed']);
    const handler = await post(
      t,
      people.creator,
      '/v1/crowdfunding/projects',
      projectBody({
        story: '<img src="/v1/crowdfunding/images/01999999-9999-7999-8999-999999999999" onerror="alert(1)">',
      }),
    );
    expect([handler.statusCode, handler.json().error.code]).toEqual([400, 'story_markup_not_allowed']);
    const shares = await post(
      t,
      people.creator,
      '/v1/crowdfunding/projects',
      projectBody({
        payout: {
          kind: 'milestones',
          milestones: [
            { title: 'a', share: '0.5' },
            { title: 'b', share: '0.4' },
          ],
        },
      }),
    );
    expect([shares.statusCode, shares.json().error.code]).toEqual([400, 'milestone_shares_must_sum_to_one']);
    const long = await post(
      t,
      people.creator,
      '/v1/crowdfunding/projects',
      projectBody({ durationDays: 61 }),
    );
    expect([long.statusCode, long.json().error.code]).toEqual([400, 'duration_invalid']);
    const mine = await get(t, people.creator, '/v1/crowdfunding/mine/projects');
    expect(mine.json().items).toEqual([]);
  });

  it('is reviewed with the risk view, sent back for changes, edited, approved and launched', async () => {
    const created = await post(
      t,
      people.creator,
      '/v1/crowdfunding/projects',
      projectBody({ payout: milestones }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json().story).toBe('<p>We build a <strong>tiny</strong> weather station.</p>');
    // A draft is nobody else's business.
    expect((await get(t, null, `/v1/crowdfunding/projects/${id}`)).statusCode).toBe(404);
    expect((await post(t, people.creator, `/v1/crowdfunding/projects/${id}/submit`)).statusCode).toBe(200);
    const queued = await get(t, people.reviewer, '/v1/crowdfunding/staff/projects?status=submitted');
    const seen = queued.json().items.find((p: Project) => p.id === id) as Project;
    expect(seen.risk?.kycLevel).toBeGreaterThanOrEqual(1);
    expect(typeof seen.risk?.outcome).toBe('string');
    const back = await post(t, people.reviewer, `/v1/crowdfunding/staff/projects/${id}/review`, {
      decision: 'request_changes',
      reason: 'Say when the stations ship',
    });
    expect(back.json()).toMatchObject({
      status: 'changes_requested',
      reviewNote: 'Say when the stations ship',
    });
    const edited = await t.app.inject({
      method: 'PUT',
      url: `/v1/crowdfunding/projects/${id}`,
      headers: people.creator.headers,
      payload: projectBody({ payout: milestones, title: 'A pocket weather station, shipping in June' }),
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await post(t, people.creator, `/v1/crowdfunding/projects/${id}/submit`)).statusCode).toBe(200);
    const approved = await post(t, people.reviewer, `/v1/crowdfunding/staff/projects/${id}/review`, {
      decision: 'approve',
    });
    expect(approved.json().status).toBe('approved');
    const late = await post(t, people.creator, `/v1/crowdfunding/projects/${id}/schedule`, {
      launchAt: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
    });
    expect([late.statusCode, late.json().error.code]).toEqual([400, 'launch_in_the_past']);
    const scheduled = await post(t, people.creator, `/v1/crowdfunding/projects/${id}/schedule`, {
      launchAt: t.clock.now().toISOString(),
    });
    expect(scheduled.json().phase).toBe('live');
    project = scheduled.json() as Project;
  });

  it('holds the backings and succeeds at the deadline: fee 55.00, escrow 1,045.00', async () => {
    const tier = project.tiers[0]!;
    for (const user of crowd.slice(0, 5)) {
      const backed = await backProject(t, user, project.id, { tierId: tier.id });
      expect(backed.statusCode, backed.body).toBe(201);
    }
    const gift = await backProject(t, crowd[5]!, project.id, { amount: '600.00' });
    expect(gift.statusCode, gift.body).toBe(201);
    const wrong = await backProject(t, crowd[0]!, project.id, { amount: '10.00' }, '000000');
    expect(wrong.statusCode).toBe(422);
    expect(await walletOf(t, crowd[0]!)).toEqual({ balance: minor('1000.00'), available: minor('900.00') });
    const page = await get(t, null, `/v1/crowdfunding/projects/${project.id}`);
    expect(page.json().project).toMatchObject({
      pledged: { amount: '1100.00' },
      backers: 6,
      progress: '110.00',
    });
    expect(page.body).not.toContain(crowd[0]!.userId);

    const listed = await get(t, null, '/v1/crowdfunding/projects?sort=ending_soon&category=technology');
    expect(listed.json().items.map((p: Project) => p.id)).toContain(project.id);

    const deadline = (await get(t, people.creator, `/v1/crowdfunding/mine/projects/${project.id}`)).json()
      .deadlineAt as string;
    await closeTo(t, dateInZone(new Date(deadline), BUSINESS_TIME_ZONE));
    const settled = (await get(t, people.creator, `/v1/crowdfunding/mine/projects/${project.id}`)).json();
    expect(settled).toMatchObject({ status: 'succeeded', fee: { amount: '55.00' } });
    expect(await walletOf(t, crowd[0]!)).toEqual({ balance: minor('900.00'), available: minor('900.00') });
    expect(await walletOf(t, crowd[5]!)).toEqual({ balance: minor('400.00'), available: minor('400.00') });
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(minor('1045.00'));
    const holds = await t.platform.ledger.getAccount(projectAccount.holds(project.id));
    expect(holds!.creditsPosted - holds!.debitsPosted).toBe(0n);
    await ledgerVerifies(t);
  });

  it('pays the milestones on confirmed evidence, the last one the exact remainder', async () => {
    const creatorBefore = (await walletOf(t, people.creator)).balance;
    const staffUrl = `/v1/crowdfunding/staff/projects/${project.id}/milestones/review`;
    const submit = (evidence: string) =>
      post(t, people.creator, `/v1/crowdfunding/projects/${project.id}/milestones/submit`, { evidence });
    expect((await post(t, people.reviewer, staffUrl, { decision: 'confirm' })).json().error.code).toBe(
      'milestone_not_submitted',
    );
    expect((await submit('Photos of the prototype')).statusCode).toBe(200);
    const rejected = await post(t, people.reviewer, staffUrl, {
      decision: 'reject',
      reason: 'Photos are blurry',
    });
    expect(rejected.json().milestones[0]).toMatchObject({
      status: 'pending',
      rejectionReason: 'Photos are blurry',
    });
    const paid: string[] = [];
    for (const evidence of ['Sharper photos', 'Tooling invoice', 'Shipping manifests']) {
      expect((await submit(evidence)).statusCode).toBe(200);
      const confirmed = await post(t, people.reviewer, staffUrl, { decision: 'confirm' });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      paid.push(confirmed.json().milestones.at(-1 - (2 - paid.length)).amount.amount);
    }
    expect(paid).toEqual(['313.50', '313.50', '418.00']);
    expect((await walletOf(t, people.creator)).balance - creatorBefore).toBe(minor('1045.00'));
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(0n);
    expect((await submit('more')).json().error.code).toBe('no_milestones_due');
    await ledgerVerifies(t);
  });
});
