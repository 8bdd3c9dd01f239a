import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectAccount } from '../../src/crowdfunding/index.ts';
import { BUSINESS_TIME_ZONE, dateInZone } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  backers,
  backProject,
  get,
  ledgerVerifies,
  liveProject,
  openCrowdfundingApp,
  type Project,
  post,
  projectBody,
  team,
  walletOf,
} from '../support/crowdfunding.ts';
import { minor } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A project that misses its target: three backers hold 100.00 (a tier), 33.33 and 250.01 (no
 * reward); one cancels before the cut-off (the hold released, the tier's unit back), and a
 * cancellation inside the last 48 hours is refused. Day-close after the deadline voids every hold:
 * each backer has every cent back, the holds account is empty, and the ledger verifies.
 */
describe('crowdfunding: a failed project is refunded to the cent; cancellation before the cut-off only', () => {
  let t: TestApp;
  let crowd: TestUser[];
  let project: Project;
  const start = '777.77';

  beforeAll(async () => {
    t = await openCrowdfundingApp();
    const people = await team(t);
    crowd = await backers(t, 4, start);
    project = await liveProject(t, people.creator, people.reviewer, projectBody({ durationDays: 5 }));
  });
  afterAll(() => t?.close());

  it('cancels before the cut-off and refuses after it', async () => {
    const tier = project.tiers[0]!;
    const first = await backProject(t, crowd[0]!, project.id, { tierId: tier.id });
    expect(first.statusCode, first.body).toBe(201);
    expect((await backProject(t, crowd[1]!, project.id, { amount: '33.33' })).statusCode).toBe(201);
    expect((await backProject(t, crowd[2]!, project.id, { amount: '250.01' })).statusCode).toBe(201);
    const leaving = await backProject(t, crowd[3]!, project.id, { tierId: tier.id });
    expect(leaving.statusCode).toBe(201);
    expect((await walletOf(t, crowd[3]!)).available).toBe(minor(start) - minor('100.00'));
    // Someone else's backing is not theirs to cancel.
    const stranger = await post(t, crowd[0]!, `/v1/crowdfunding/backings/${leaving.json().id}/cancel`);
    expect(stranger.statusCode).toBe(404);
    const cancelled = await post(t, crowd[3]!, `/v1/crowdfunding/backings/${leaving.json().id}/cancel`);
    expect(cancelled.json().status).toBe('cancelled');
    expect(await walletOf(t, crowd[3]!)).toEqual({ balance: minor(start), available: minor(start) });
    const page = (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project;
    expect(page).toMatchObject({ pledged: { amount: '383.34' }, backers: 3 });
    expect(page.tiers[0]).toMatchObject({ sold: 1, remaining: 9 });
    expect(
      (await post(t, crowd[3]!, `/v1/crowdfunding/backings/${leaving.json().id}/cancel`)).statusCode,
    ).toBe(409);

    // Inside the last 48 hours: refused, and the hold stays.
    const deadline = new Date(
      (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project.deadlineAt,
    );
    t.clock.advanceMs(deadline.getTime() - 47 * 3_600_000 - t.clock.now().getTime());
    const late = await post(t, crowd[1]!, `/v1/crowdfunding/backings/${first.json().id}/cancel`);
    expect(late.statusCode).toBe(404);
    const mine = (await get(t, crowd[0]!, '/v1/crowdfunding/mine/backings')).json().items[0];
    const refused = await post(t, crowd[0]!, `/v1/crowdfunding/backings/${mine.id}/cancel`);
    expect([refused.statusCode, refused.json().error.code]).toEqual([422, 'cancel_cut_off_passed']);
    expect((await walletOf(t, crowd[0]!)).available).toBe(minor(start) - minor('100.00'));
    await ledgerVerifies(t);
  });

  it('voids every hold at the deadline: every backer has every cent back', async () => {
    const deadline = (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project
      .deadlineAt;
    await closeTo(t, dateInZone(new Date(deadline), BUSINESS_TIME_ZONE));
    for (const user of crowd)
      expect(await walletOf(t, user)).toEqual({ balance: minor(start), available: minor(start) });
    const page = (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project;
    expect(page.phase).toBe('failed');
    const backings = (await get(t, crowd[2]!, '/v1/crowdfunding/mine/backings')).json().items;
    expect(backings[0]).toMatchObject({ status: 'released', amount: { amount: '250.01' } });
    const holds = await t.platform.ledger.getAccount(projectAccount.holds(project.id));
    expect([holds!.creditsPending, holds!.creditsPosted]).toEqual([0n, 0n]);
    // A settled project takes no more backings.
    const after = await backProject(t, crowd[0]!, project.id, { amount: '10.00' });
    expect([after.statusCode, after.json().error.code]).toEqual([409, 'project_not_live']);
    await ledgerVerifies(t);
  });
});
