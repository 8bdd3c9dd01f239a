import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCrowdfundingApp, post, projectBody, type Team, team } from '../support/crowdfunding.ts';
import { cny } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * Editing a draft is a PUT of the whole version, which the idempotency plugin (POST only) does not
 * cover: it must be idempotent by itself. The same body sent again changes nothing (updatedAt, the
 * ids of tiers and milestones); a change moves updatedAt and keeps the ids of what did not change.
 */
describe('crowdfunding: a repeated PUT of a draft changes nothing more', () => {
  let t: TestApp;
  let people: Team;
  beforeAll(async () => {
    t = await openCrowdfundingApp();
    people = await team(t);
  });
  afterAll(() => t?.close());

  const put = (id: string, body: Record<string, unknown>) =>
    t.app.inject({
      method: 'PUT',
      url: `/v1/crowdfunding/projects/${id}`,
      headers: people.creator.headers,
      payload: body,
    });

  it('answers the same project to the same body, and moves only what a change touches', async () => {
    const body = projectBody({
      payout: {
        kind: 'milestones',
        milestones: [
          { title: 'Prototype', share: '0.4' },
          { title: 'Ship', share: '0.6' },
        ],
      },
    });
    const created = await post(t, people.creator, '/v1/crowdfunding/projects', body);
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    t.clock.advanceSeconds(60);
    const first = await put(id, body);
    expect(first.statusCode, first.body).toBe(200);
    t.clock.advanceSeconds(60);
    const second = await put(id, body);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(first.json().updatedAt).toBe(created.json().updatedAt);
    expect(first.json().tiers.map((x: { id: string }) => x.id)).toEqual(
      created.json().tiers.map((x: { id: string }) => x.id),
    );

    t.clock.advanceSeconds(60);
    const tiers = body.tiers as Array<Record<string, unknown>>;
    const changed = await put(id, {
      ...body,
      tiers: [tiers[0], { ...tiers[1], price: cny('12.00') }],
      payout: { kind: 'milestones', milestones: [{ title: 'All', share: '1' }] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const after = changed.json();
    expect(after.updatedAt).not.toBe(first.json().updatedAt);
    expect(after.tiers.map((x: { id: string }) => x.id)).toEqual(
      first.json().tiers.map((x: { id: string }) => x.id),
    );
    expect(after.tiers[1].price).toEqual(cny('12.00'));
    expect(after.milestones.map((m: { title: string; share: string }) => [m.title, m.share])).toEqual([
      ['All', '1.00000000'],
    ]);
  });
});
