import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMAGES_PER_PROJECT } from '../../src/crowdfunding/index.ts';
import { get, openCrowdfundingApp, post, projectBody, type Team, team } from '../support/crowdfunding.ts';
import type { TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';
import { verifiedCustomer } from '../support/users.ts';

/**
 * A project's pictures are uploaded to netfin and served by it: the type is read from the bytes, a
 * picture is at most 2 MB, only the creator uploads to their draft, the story and the cover take
 * nothing but these pictures, and a picture is public only once its project is.
 */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const upload = (t: TestApp, user: TestUser, projectId: string, contentType: string, bytes: Buffer) =>
  post(t, user, `/v1/crowdfunding/projects/${projectId}/images`, {
    contentType,
    data: bytes.toString('base64'),
  });
const put = (t: TestApp, user: TestUser, projectId: string, body: Record<string, unknown>) =>
  t.app.inject({
    method: 'PUT',
    url: `/v1/crowdfunding/projects/${projectId}`,
    headers: user.headers,
    payload: body,
  });

describe('crowdfunding: pictures are uploaded to netfin, never hot-linked', () => {
  let t: TestApp;
  let people: Team;
  let stranger: TestUser;
  let projectId: string;
  let pictureUrl: string;

  beforeAll(async () => {
    t = await openCrowdfundingApp();
    people = await team(t);
    stranger = await verifiedCustomer(t);
    const created = await post(t, people.creator, '/v1/crowdfunding/projects', projectBody());
    expect(created.statusCode, created.body).toBe(201);
    projectId = created.json().id;
  });
  afterAll(() => t?.close());

  it('reads the type from the bytes, not from what was declared, and refuses more than 2 MB', async () => {
    const spoofed = await upload(t, people.creator, projectId, 'image/png', JPEG);
    expect([spoofed.statusCode, spoofed.json().error.code]).toEqual([400, 'image_type_mismatch']);
    const svg = await upload(t, people.creator, projectId, 'image/png', SVG);
    expect([svg.statusCode, svg.json().error.code]).toEqual([400, 'image_type_not_allowed']);
    const large = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 + 1 - PNG.length)]);
    const tooLarge = await upload(t, people.creator, projectId, 'image/png', large);
    expect([tooLarge.statusCode, tooLarge.json().error.code]).toEqual([413, 'image_too_large']);
    const exactly = await upload(
      t,
      people.creator,
      projectId,
      'image/png',
      large.subarray(0, 2 * 1024 * 1024),
    );
    expect(exactly.statusCode, exactly.body).toBe(201);
    const listed = await get(t, people.creator, `/v1/crowdfunding/mine/projects/${projectId}/images`);
    expect(listed.json().items.map((i: { sizeBytes: number }) => i.sizeBytes)).toEqual([2 * 1024 * 1024]);
  });

  it('takes pictures from the creator only, and a picture twice is stored once', async () => {
    const foreign = await upload(t, stranger, projectId, 'image/png', PNG);
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([404, 'project_not_found']);
    const first = await upload(t, people.creator, projectId, 'image/png', PNG);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length });
    pictureUrl = first.json().url;
    expect(pictureUrl).toBe(`/v1/crowdfunding/images/${first.json().id}`);
    const again = await upload(t, people.creator, projectId, 'image/png', PNG);
    expect(again.json().id).toBe(first.json().id);
  });

  it('lets the story and the cover show only pictures uploaded to this project', async () => {
    const external = await put(
      t,
      people.creator,
      projectId,
      projectBody({ story: '<p>x</p><img src="https://tracker.example/pixel.png" alt="">' }),
    );
    expect([external.statusCode, external.json().error.code]).toEqual([400, 'image_url_invalid']);
    const cover = await put(
      t,
      people.creator,
      projectId,
      projectBody({ images: ['https://tracker.example/cover.png'] }),
    );
    expect([cover.statusCode, cover.json().error.code]).toEqual([400, 'image_url_invalid']);
    // The stranger's own draft, with a picture of its own, cannot show the creator's picture.
    const other = await post(t, stranger, '/v1/crowdfunding/projects', projectBody());
    const borrowed = await put(t, stranger, other.json().id, projectBody({ images: [pictureUrl] }));
    expect([borrowed.statusCode, borrowed.json().error.code]).toEqual([400, 'image_not_found']);
    const fresh = await post(
      t,
      people.creator,
      '/v1/crowdfunding/projects',
      projectBody({ images: [pictureUrl] }),
    );
    expect([fresh.statusCode, fresh.json().error.code]).toEqual([400, 'image_not_found']);
    const saved = await put(
      t,
      people.creator,
      projectId,
      projectBody({
        images: [pictureUrl],
        story: `<p>Our station</p><img src="${pictureUrl}" alt="the station">`,
      }),
    );
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().images).toEqual([pictureUrl]);
    expect(saved.json().story).toBe(`<p>Our station</p><img src="${pictureUrl}" alt="the station">`);
  });

  it("keeps a draft's picture to its creator and staff, and serves a live project's to anyone", async () => {
    expect((await get(t, null, pictureUrl)).statusCode).toBe(404);
    expect((await get(t, stranger, pictureUrl)).statusCode).toBe(404);
    const own = await get(t, people.creator, pictureUrl);
    expect(own.statusCode).toBe(200);
    expect(own.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect((await get(t, people.reviewer, pictureUrl)).statusCode).toBe(200);

    expect((await post(t, people.creator, `/v1/crowdfunding/projects/${projectId}/submit`)).statusCode).toBe(
      200,
    );
    const late = await upload(t, people.creator, projectId, 'image/png', JPEG);
    expect([late.statusCode, late.json().error.code]).toEqual([400, 'image_type_mismatch']);
    const locked = await upload(t, people.creator, projectId, 'image/jpeg', JPEG);
    expect([locked.statusCode, locked.json().error.code]).toEqual([409, 'project_not_editable']);
    await post(t, people.reviewer, `/v1/crowdfunding/staff/projects/${projectId}/review`, {
      decision: 'approve',
    });
    const later = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    await post(t, people.creator, `/v1/crowdfunding/projects/${projectId}/schedule`, { launchAt: later });
    // Approved and scheduled, but not yet live: still not public.
    expect((await get(t, null, pictureUrl)).statusCode).toBe(404);
    await post(t, people.creator, `/v1/crowdfunding/projects/${projectId}/schedule`, {
      launchAt: t.clock.now().toISOString(),
    });

    const seen = await get(t, null, pictureUrl);
    expect(seen.statusCode).toBe(200);
    expect(seen.headers['content-type']).toBe('image/png');
    expect(seen.headers['x-content-type-options']).toBe('nosniff');
    expect(seen.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(seen.rawPayload).equals(PNG)).toBe(true);
    const etag = seen.headers.etag as string;
    const cached = await t.app.inject({ method: 'GET', url: pictureUrl, headers: { 'if-none-match': etag } });
    expect(cached.statusCode).toBe(304);
    expect(
      (await get(t, null, '/v1/crowdfunding/images/01999999-9999-7999-8999-999999999999')).statusCode,
    ).toBe(404);
  });

  it(`holds at most ${MAX_IMAGES_PER_PROJECT} pictures a project`, async () => {
    const draft = (await post(t, stranger, '/v1/crowdfunding/projects', projectBody())).json().id as string;
    for (let i = 0; i < MAX_IMAGES_PER_PROJECT; i++) {
      const bytes = Buffer.concat([PNG, Buffer.from([i])]);
      expect((await upload(t, stranger, draft, 'image/png', bytes)).statusCode).toBe(201);
    }
    const over = await upload(t, stranger, draft, 'image/png', Buffer.concat([PNG, Buffer.from('over')]));
    expect([over.statusCode, over.json().error.code]).toEqual([409, 'too_many_images']);
  });
});
