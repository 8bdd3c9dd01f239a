import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CROWDFUNDING_SETTINGS } from '../../src/crowdfunding/index.ts';
import { closeTo } from '../support/batch.ts';
import { get, openCrowdfundingApp, post, projectBody, type Team, team } from '../support/crowdfunding.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * Pictures uploaded to a project that nothing shows are deleted by day-close (crowdfunding.images)
 * once they are a day old: the cover (A), a picture in the story (B) and one named in an update (C)
 * stay; an unused one (D) stays while younger than a day and goes at the first close after; a fresh
 * unused one on another draft (E) goes a day later, and a draft saved afterwards with it is refused.
 */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

describe('crowdfunding: unused pictures are pruned at day-close', () => {
  let t: TestApp;
  let people: Team;
  let live: string;
  let draft: string;
  const urls: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };

  /** A picture of its own bytes (the same bytes twice would be one picture). */
  async function upload(projectId: string, n: number): Promise<string> {
    const r = await post(t, people.creator, `/v1/crowdfunding/projects/${projectId}/images`, {
      contentType: 'image/png',
      data: Buffer.concat([PNG, Buffer.from([n])]).toString('base64'),
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().url as string;
  }
  const put = (projectId: string, body: Record<string, unknown>) =>
    t.app.inject({
      method: 'PUT',
      url: `/v1/crowdfunding/projects/${projectId}`,
      headers: people.creator.headers,
      payload: body,
    });
  const stored = async () => {
    const rows = await sql<{ id: string }>`select id from crowdfunding_images`.execute(t.platform.db);
    const ids = new Set(rows.rows.map((r) => r.id));
    return Object.entries(urls)
      .filter(([, url]) => ids.has(url.split('/').pop()!))
      .map(([name]) => name)
      .sort();
  };

  /** What step crowdfunding.images did in each close so far, in date order. */
  const deletedByClose = async () =>
    (
      await sql<{ rows: string }>`select rows::text as rows from batch_steps
        where step = 'crowdfunding.images' order by business_date`.execute(t.platform.db)
    ).rows.map((r) => Number(r.rows));

  beforeAll(async () => {
    t = await openCrowdfundingApp();
    people = await team(t);
    const created = await post(t, people.creator, '/v1/crowdfunding/projects', projectBody());
    live = created.json().id;
    urls.A = await upload(live, 1);
    urls.B = await upload(live, 2);
    urls.C = await upload(live, 3);
    urls.D = await upload(live, 4);
    const edited = await put(
      live,
      projectBody({ images: [urls.A], story: `<p>Our prototype</p><img src="${urls.B}" alt="prototype">` }),
    );
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await post(t, people.creator, `/v1/crowdfunding/projects/${live}/submit`)).statusCode).toBe(200);
    const reviewed = await post(t, people.reviewer, `/v1/crowdfunding/staff/projects/${live}/review`, {
      decision: 'approve',
    });
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    const scheduled = await post(t, people.creator, `/v1/crowdfunding/projects/${live}/schedule`, {
      launchAt: t.clock.now().toISOString(),
    });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    const update = await post(t, people.creator, `/v1/crowdfunding/projects/${live}/updates`, {
      title: 'Tooling',
      body: `The mould is ready: ${urls.C}`,
    });
    expect(update.statusCode, update.body).toBe(201);
    draft = (await post(t, people.creator, '/v1/crowdfunding/projects', projectBody())).json().id;
  });
  afterAll(() => t?.close());

  it('keeps every picture younger than a day, used or not', async () => {
    expect(DEFAULT_CROWDFUNDING_SETTINGS.unusedImageHours).toBe(24);
    const today = await t.platform.batch.businessDate();
    await closeTo(t, today); // the evening: the pictures are 11 hours old
    expect(await stored()).toEqual(['A', 'B', 'C', 'D']);
  });

  it('deletes the unused picture a day old, and keeps the cover, the story’s and the update’s', async () => {
    t.clock.advanceSeconds(2 * 3600);
    urls.E = await upload(draft, 5);
    const today = await t.platform.batch.businessDate();
    await closeTo(t, today); // D is 35 hours old, E 22
    expect(await stored()).toEqual(['A', 'B', 'C', 'E']);
    expect((await get(t, people.creator, urls.D)).statusCode).toBe(404);
    expect((await get(t, null, urls.A)).statusCode).toBe(200);
    expect(await deletedByClose()).toEqual([0, 1]);
  });

  it('deletes the fresh one a day later; a draft saved with it afterwards is refused', async () => {
    const today = await t.platform.batch.businessDate();
    await closeTo(t, today);
    expect(await stored()).toEqual(['A', 'B', 'C']);
    expect(await deletedByClose()).toEqual([0, 1, 1]);
    const saved = await put(draft, projectBody({ images: [urls.E] }));
    expect([saved.statusCode, saved.json().error.code]).toEqual([400, 'image_not_found']);
  });
});
