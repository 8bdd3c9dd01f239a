import { sql } from 'kysely';
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
 * A complaint resolved with a refund: staff resolve the backer's complaint and refund them from the
 * project's escrow in the same action; the refund records the complaint and the complaint shows the
 * refund. A refund the rules refuse (more than the backer paid) leaves the complaint open and moves
 * nothing; a resolution without a refund moves nothing.
 */
describe('crowdfunding: a complaint resolved with a refund from escrow', () => {
  let t: TestApp;
  let people: Team;
  let crowd: TestUser[];
  let project: Project;
  let backingId: string;

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
    const backed = await backProject(t, crowd[0]!, project.id, { tierId: project.tiers[0]!.id });
    expect(backed.statusCode, backed.body).toBe(201);
    backingId = backed.json().id;
    expect((await backProject(t, crowd[1]!, project.id, { amount: '900.00' })).statusCode).toBe(201);
    const deadline = (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project
      .deadlineAt;
    await closeTo(t, dateInZone(new Date(deadline), BUSINESS_TIME_ZONE));
  });
  afterAll(() => t?.close());

  const complain = async (text: string) => {
    const opened = await post(t, crowd[0]!, `/v1/crowdfunding/backings/${backingId}/complaints`, { text });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json().refund).toBeNull();
    return opened.json().id as string;
  };
  const resolve = (id: string, body: Record<string, unknown>) =>
    post(t, people.reviewer, `/v1/crowdfunding/staff/complaints/${id}/resolve`, body);

  it('refunds the backer in the resolution, and the complaint and the refund name each other', async () => {
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(minor('950.00'));
    const wallet = await walletOf(t, crowd[0]!);
    const id = await complain('The station arrived broken');

    const tooMuch = await resolve(id, { resolution: 'Refund in full', refund: { amount: cny('100.01') } });
    expect([tooMuch.statusCode, tooMuch.json().error.code]).toEqual([422, 'refund_exceeds_backing']);
    const stillOpen = (await get(t, people.reviewer, '/v1/crowdfunding/staff/complaints?status=open')).json();
    expect(stillOpen.items.map((c: { id: string }) => c.id)).toContain(id);
    expect(await walletOf(t, crowd[0]!)).toEqual(wallet);

    const resolved = await resolve(id, {
      resolution: 'Half back for the damage',
      refund: { amount: cny('50.00') },
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const complaint = resolved.json();
    expect(complaint).toMatchObject({ status: 'resolved', refund: { amount: cny('50.00') } });
    const rows = await sql<{ id: string; complaint_id: string; amount: bigint; reason: string }>`
      select id, complaint_id, amount, reason from crowdfunding_refunds where backing_id = ${backingId}::uuid`.execute(
      t.platform.db,
    );
    expect(rows.rows).toEqual([
      {
        id: complaint.refund.id,
        complaint_id: id,
        amount: minor('50.00'),
        reason: 'Half back for the damage',
      },
    ]);
    const listed = (
      await get(t, people.reviewer, '/v1/crowdfunding/staff/complaints?status=resolved')
    ).json();
    expect(listed.items.find((c: { id: string }) => c.id === id).refund.amount.amount).toBe('50.00');
    expect(await walletOf(t, crowd[0]!)).toEqual({
      balance: wallet.balance + minor('50.00'),
      available: wallet.available + minor('50.00'),
    });
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(minor('900.00'));
    const mine = (await get(t, crowd[0]!, '/v1/crowdfunding/mine/backings')).json().items[0];
    expect(mine.refunded.amount).toBe('50.00');
    // Resolved once: resolving it again is refused and refunds nothing more.
    const again = await resolve(id, { resolution: 'again', refund: { amount: cny('1.00') } });
    expect(again.statusCode).toBe(404);
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(minor('900.00'));
    await ledgerVerifies(t);
  });

  it('resolves a complaint without a refund, moving nothing', async () => {
    const id = await complain('Where is my tracking number?');
    const resolved = await resolve(id, { resolution: 'Tracking number sent' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', refund: null });
    expect(await t.platform.crowdfunding.escrowBalance(project.id)).toBe(minor('900.00'));
  });

  it("shows backers their own complaints, with the answer and the refund, and nobody else's", async () => {
    const mine = await get(t, crowd[0]!, '/v1/crowdfunding/mine/complaints');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(
      mine
        .json()
        .items.map((c: { text: string; status: string; resolution: string; refund: unknown }) => [
          c.text,
          c.status,
          c.resolution,
          c.refund === null ? null : (c.refund as { amount: { amount: string } }).amount.amount,
        ]),
    ).toEqual([
      ['Where is my tracking number?', 'resolved', 'Tracking number sent', null],
      ['The station arrived broken', 'resolved', 'Half back for the damage', '50.00'],
    ]);
    expect(mine.json().items.every((c: { backingId: string }) => c.backingId === backingId)).toBe(true);
    expect((await get(t, crowd[1]!, '/v1/crowdfunding/mine/complaints')).json().items).toEqual([]);
    expect((await get(t, null, '/v1/crowdfunding/mine/complaints')).statusCode).toBe(401);
  });
});
