import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { conflict, DomainError, invalid, notFound, uuidv7 } from '../kernel/index.ts';
import type { CrowdfundingContext } from './context.ts';
import { phaseOf, projectRow } from './model.ts';

/**
 * A project's pictures are uploaded to netfin and served from it, never hot-linked: the web app's
 * content security policy admits images from its own origin only, and a picture fetched from a third
 * party would tell that party who reads the project. The bytes live in the database; the type is read
 * from the bytes (PNG, JPEG, WebP), never taken from what the uploader declared. A stored picture never
 * changes, so it is cached for good (its ETag is the sha256 of its bytes).
 */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_IMAGES_PER_PROJECT = 30;

/** Where a picture is served: a path on netfin's own origin. */
export const IMAGE_PATH_PREFIX = '/v1/crowdfunding/images/';
const IMAGE_URL =
  /^\/v1\/crowdfunding\/images\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const imageUrl = (id: string) => `${IMAGE_PATH_PREFIX}${id}`;

/** The picture's id if the URL is one of netfin's picture URLs, else null. */
export function imageIdOf(url: string): string | null {
  return IMAGE_URL.exec(url)?.[1] ?? null;
}

/** The type the bytes are, by their magic numbers; null for anything but PNG, JPEG and WebP. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const starts = (offset: number, magic: readonly number[]) =>
    bytes.length >= offset + magic.length && magic.every((b, i) => bytes[offset + i] === b);
  if (starts(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF <size> WEBP
  if (starts(0, [0x52, 0x49, 0x46, 0x46]) && starts(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return null;
}

export interface ProjectImage {
  readonly id: string;
  readonly projectId: string;
  readonly url: string;
  readonly contentType: ImageType;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly createdAt: Date;
}

interface ImageRow {
  id: string;
  project_id: string;
  content_type: ImageType;
  size_bytes: number;
  sha256: string;
  created_at: Date;
}

const imageOf = (r: ImageRow): ProjectImage => ({
  id: r.id,
  projectId: r.project_id,
  url: imageUrl(r.id),
  contentType: r.content_type,
  sizeBytes: r.size_bytes,
  sha256: r.sha256,
  createdAt: r.created_at,
});

const UPLOADABLE = new Set(['draft', 'changes_requested']);

/**
 * The creator adds a picture to a project they may still edit. The same bytes uploaded again to the
 * same project answer the picture already stored (and count once against the limit). The project's row
 * is locked while the pictures are counted, so that concurrent uploads never pass the limit.
 */
export async function uploadImage(
  context: CrowdfundingContext,
  creatorId: string,
  projectId: string,
  input: { readonly contentType: string; readonly bytes: Uint8Array },
): Promise<ProjectImage> {
  if (input.bytes.length === 0) throw invalid('image_empty', 'the picture has no bytes');
  if (input.bytes.length > MAX_IMAGE_BYTES)
    throw new DomainError('image_too_large', 'too_large', 'a picture is at most 2 MB', {
      maxBytes: MAX_IMAGE_BYTES,
    });
  const sniffed = sniffImageType(input.bytes);
  if (!sniffed)
    throw invalid('image_type_not_allowed', 'a picture is a PNG, JPEG or WebP file', {
      allowed: IMAGE_TYPES,
    });
  if (sniffed !== input.contentType)
    throw invalid('image_type_mismatch', 'the bytes are not of the declared type', {
      declared: input.contentType,
      actual: sniffed,
    });
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  return inTransaction(context.db, async (trx) => {
    const project = await projectRow(trx, projectId, true);
    if (project.creator_id !== creatorId) throw notFound('project_not_found', 'no such project');
    if (!UPLOADABLE.has(project.status))
      throw conflict(
        'project_not_editable',
        'pictures are added to a draft or a project sent back for changes',
        {
          status: project.status,
        },
      );
    const same = await sql<ImageRow>`select id, project_id, content_type, size_bytes, sha256, created_at
      from crowdfunding_images where project_id = ${projectId}::uuid and sha256 = ${sha256}`.execute(trx);
    if (same.rows[0]) return imageOf(same.rows[0]);
    const count = await sql<{ n: number }>`select count(*)::int as n from crowdfunding_images
      where project_id = ${projectId}::uuid`.execute(trx);
    if (count.rows[0]!.n >= MAX_IMAGES_PER_PROJECT)
      throw conflict('too_many_images', `a project holds at most ${MAX_IMAGES_PER_PROJECT} pictures`, {
        max: MAX_IMAGES_PER_PROJECT,
      });
    const inserted = await sql<ImageRow>`insert into crowdfunding_images
        (id, project_id, content_type, size_bytes, sha256, bytes, created_at)
      values (${uuidv7()}, ${projectId}, ${sniffed}, ${input.bytes.length}, ${sha256}, ${Buffer.from(input.bytes)},
        ${context.clock.now()})
      returning id, project_id, content_type, size_bytes, sha256, created_at`.execute(trx);
    return imageOf(inserted.rows[0]!);
  });
}

/** A project's pictures, oldest first, without their bytes. */
export async function imagesOf(db: Executor, projectId: string): Promise<ProjectImage[]> {
  const rows = await sql<ImageRow>`select id, project_id, content_type, size_bytes, sha256, created_at
    from crowdfunding_images where project_id = ${projectId}::uuid order by created_at, id`.execute(db);
  return rows.rows.map(imageOf);
}

/** The ids among these that are not pictures of the project. */
export async function foreignImages(
  db: Executor,
  projectId: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: string }>`select id from crowdfunding_images
    where project_id = ${projectId}::uuid and id = any(${[...ids]}::uuid[])`.execute(db);
  const known = new Set(rows.rows.map((r) => r.id));
  return [...new Set(ids)].filter((id) => !known.has(id));
}

/**
 * A picture's bytes for whoever asks: anyone once its project is public (live, succeeded or failed),
 * before that only its creator and staff; anyone else is told there is no such picture.
 */
export async function readImage(
  context: CrowdfundingContext,
  imageId: string,
  viewer: { readonly userId: string | null; readonly staff: boolean },
): Promise<{ image: ProjectImage; bytes: Buffer; public: boolean }> {
  const rows = await sql<
    ImageRow & { bytes: Uint8Array }
  >`select id, project_id, content_type, size_bytes, sha256,
      created_at, bytes from crowdfunding_images where id = ${imageId}::uuid`.execute(context.db);
  const row = rows.rows[0];
  if (!row) throw notFound('image_not_found', 'no such picture');
  const project = await projectRow(context.db, row.project_id);
  const phase = phaseOf(project, context.clock.now());
  const isPublic = phase === 'live' || phase === 'succeeded' || phase === 'failed';
  if (!isPublic && !viewer.staff && viewer.userId !== project.creator_id)
    throw notFound('image_not_found', 'no such picture');
  const bytes = Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
  return { image: imageOf(row), bytes, public: isPublic };
}
