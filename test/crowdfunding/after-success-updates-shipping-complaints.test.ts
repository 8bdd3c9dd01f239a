import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_TIME_ZONE, dateInZone } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  backers,
  backProject,
  get,
  liveProject,
  openCrowdfundingApp,
  type Project,
  post,
  type Team,
  team,
} from '../support/crowdfunding.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * After success: an update reaches each backer through the outbox; a backer's shipping address is
 * sealed at rest, shown in full to the creator (the tier ships) and masked to staff; delivery is
 * marked; a complaint is opened and resolved; comments are public without their authors.
 */
describe('crowdfunding: after success, updates, shipping, delivery, complaints and comments', () => {
  let t: TestApp;
  let people: Team;
  let crowd: TestUser[];
  let project: Project;
  let backingId: string;

  beforeAll(async () => {
    t = await openCrowdfundingApp();
    people = await team(t);
    crowd = await backers(t, 2, '2000.00');
    project = await liveProject(t, people.creator, people.reviewer);
    const backed = await backProject(t, crowd[0]!, project.id, { tierId: project.tiers[0]!.id });
    backingId = backed.json().id;
    expect((await backProject(t, crowd[1]!, project.id, { amount: '950.00' })).statusCode).toBe(201);
    const deadline = (await get(t, null, `/v1/crowdfunding/projects/${project.id}`)).json().project
      .deadlineAt;
    await closeTo(t, dateInZone(new Date(deadline), BUSINESS_TIME_ZONE));
  });
  afterAll(() => t?.close());

  it('tells every backer of an update, and keeps the address sealed and masked for staff', async () => {
    const update = await post(t, people.creator, `/v1/crowdfunding/projects/${project.id}/updates`, {
      title: 'Shipping next week',
      body: 'Boxes are packed.',
    });
    expect(update.json().notified).toBe(2);
    const queued = await sql<{ n: number }>`select count(*)::int as n from notification_outbox
      where template = 'crowdfunding.update'`.execute(t.platform.db);
    expect(queued.rows[0]!.n).toBe(2);
    expect(
      (await get(t, null, `/v1/crowdfunding/projects/${project.id}/updates`)).json().items[0].title,
    ).toBe('Shipping next week');
    const address = { name: '李四', phone: '13912345678', address: '北京市朝阳区某某路1号' };
    expect(
      (await post(t, crowd[0]!, `/v1/crowdfunding/backings/${backingId}/address`, address)).statusCode,
    ).toBe(200);
    const stored = await sql<{ address_enc: string }>`select address_enc from crowdfunding_backings
      where id = ${backingId}::uuid`.execute(t.platform.db);
    expect(stored.rows[0]!.address_enc).not.toContain('13912345678');
    const creatorView = await get(t, people.creator, `/v1/crowdfunding/mine/projects/${project.id}/shipping`);
    expect(creatorView.statusCode, creatorView.body).toBe(200);
    const forCreator = creatorView.json();
    expect(
      forCreator.items.find((r: { backing: { id: string } }) => r.backing.id === backingId).address,
    ).toEqual(address);
    const forStaff = await get(t, people.reviewer, `/v1/crowdfunding/staff/projects/${project.id}/shipping`);
    expect(forStaff.body).not.toContain('13912345678');
    expect(forStaff.body).toContain('139****5678');
    const shipped = await post(t, people.creator, `/v1/crowdfunding/backings/${backingId}/delivery`, {
      state: 'shipped',
      carrier: 'SF',
      tracking: 'SF123',
    });
    expect(shipped.json()).toMatchObject({ delivery: 'shipped', carrier: 'SF', tracking: 'SF123' });
    expect(
      (await post(t, crowd[1]!, `/v1/crowdfunding/backings/${backingId}/delivery`, { state: 'delivered' }))
        .statusCode,
    ).toBe(404);
  });

  it('opens and resolves a complaint; comments are public without their authors', async () => {
    const opened = await post(t, crowd[0]!, `/v1/crowdfunding/backings/${backingId}/complaints`, {
      text: 'Box arrived damaged',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const open = (await get(t, people.reviewer, '/v1/crowdfunding/staff/complaints?status=open')).json()
      .items;
    expect(open.map((c: { id: string }) => c.id)).toContain(opened.json().id);
    const resolved = await post(
      t,
      people.reviewer,
      `/v1/crowdfunding/staff/complaints/${opened.json().id}/resolve`,
      {
        resolution: 'Replacement sent',
      },
    );
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolution: 'Replacement sent' });
    expect(
      (await post(t, people.creator, `/v1/crowdfunding/projects/${project.id}/comments`, { body: 'me' }))
        .statusCode,
    ).toBe(409);
    expect(
      (await post(t, crowd[1]!, `/v1/crowdfunding/projects/${project.id}/comments`, { body: 'Love it' }))
        .statusCode,
    ).toBe(201);
    const comments = await get(t, null, `/v1/crowdfunding/projects/${project.id}/comments`);
    expect(comments.json().items[0].body).toBe('Love it');
    expect(comments.body).not.toContain(crowd[1]!.userId);
  });
});
