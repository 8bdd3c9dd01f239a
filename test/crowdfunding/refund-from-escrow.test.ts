import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type Team,
  team,
  walletOf,
} from '../support/crowdfunding.ts';
import { cny, minor } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * Refunds from a successful project's escrow (a milestone plan, so escrow still holds the money):
 * the creator refunds part of one backing and staff the rest; neither may refund more than the
 * backer paid, nor another creator's backer; escrow and wallets move by exactly the refunds.
 */
describe('crowdfunding: a refund from escrow by the creator and by staff', () => {
  let t: TestApp;
  let people: Team;
  let crowd: TestUser[];
  let project: Project;

  beforeAll(async () => {
    t = await openCrowdfundingApp();
    people = await team(t);
    crowd = await backers(t, 2, '2000.00');
    project = await liveProject(
      t,
      people.creator,
      people.reviewer,
      projectBody({
        durationDays: 3,
        payout: { kind: 'milestones', milestones: [{ title: 'All', share: '1' }] },
      }),
    );
    expect((await backProject(t, crowd[0]!, project.id, { tierId: project.tiers[0]!.id })).statusCode).toBe(
      201,
    );
    expect((await backProject(t, crowd[1]!, project.id, { amount: '900.00' })).statusCode).toBe(201);
    const deadline = (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project
      .deadlineAt;
    await closeTo(t, dateInZone(new Date(deadline), BUSINESS_TIME_ZONE));
  });
  afterAll(() => t?.close());

  it('refunds up to what was paid, from escrow, by the creator and by staff', async () => {
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(minor('950.00'));
    const backing = (await get(t, crowd[0]!, '/v1/crowdfunding/mine/backings')).json().items[0];
    expect(backing.status).toBe('collected');
    const byCreator = await post(t, people.creator, `/v1/crowdfunding/backings/${backing.id}/refund`, {
      amount: cny('40.00'),
      reason: 'Colour no longer available',
    });
    expect(byCreator.statusCode, byCreator.body).toBe(201);
    const other = await post(t, crowd[1]!, `/v1/crowdfunding/backings/${backing.id}/refund`, {
      amount: cny('1.00'),
      reason: 'not mine',
    });
    expect(other.statusCode).toBe(404);
    const tooMuch = await post(t, people.reviewer, `/v1/crowdfunding/staff/backings/${backing.id}/refund`, {
      amount: cny('60.01'),
      reason: 'complaint',
    });
    expect([tooMuch.statusCode, tooMuch.json().error.code]).toEqual([422, 'refund_exceeds_backing']);
    const byStaff = await post(t, people.reviewer, `/v1/crowdfunding/staff/backings/${backing.id}/refund`, {
      amount: cny('60.00'),
      reason: 'complaint upheld',
    });
    expect(byStaff.statusCode, byStaff.body).toBe(201);
    expect(await walletOf(t, crowd[0]!)).toEqual({ balance: minor('2000.00'), available: minor('2000.00') });
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(minor('850.00'));
    const staffView = (await get(t, people.reviewer, `/v1/crowdfunding/staff/projects/${project.id}`)).json();
    expect(staffView.escrow.amount).toBe('850.00');
    expect(staffView.backings.find((b: { id: string }) => b.id === backing.id).refunded.amount).toBe(
      '100.00',
    );
    await ledgerVerifies(t);
  });
});
