import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { IMAGE_TYPES, MAX_IMAGE_BYTES, type ProjectImage } from '../../crowdfunding/index.ts';
import { allows } from '../../identity/index.ts';
import { userIdOf } from '../auth.ts';
import { errorResponseSchema } from '../errors.ts';
import { idParams } from './crowdfunding-schemas.ts';
import { errors } from './lending-schemas.ts';

const TAGS = ['crowdfunding'];
/** Base64 of a picture a little over the limit, so that a picture too large is told so by its code. */
const MAX_BASE64_CHARS = 3 * 1024 * 1024;
const YEAR_SECONDS = 31_536_000;

const imageSchema = z
  .object({
    id: z.string(),
    url: z.string().describe('Where the picture is served, on netfin: use it in the story and the cover.'),
    contentType: z.enum(IMAGE_TYPES),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'CrowdfundingImage' });
const imageJson = (i: ProjectImage) => ({
  id: i.id,
  url: i.url,
  contentType: i.contentType,
  sizeBytes: i.sizeBytes,
  sha256: i.sha256,
  createdAt: i.createdAt.toISOString(),
});

/**
 * A project's pictures: uploaded by its creator to the draft, served by netfin itself (never
 * hot-linked from elsewhere), public once the project is.
 */
export function crowdfundingImageRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { crowdfunding } = platform;
  return async (app) => {
    app.post(
      '/crowdfunding/projects/:id/images',
      {
        config: { auth: 'signed_in' },
        bodyLimit: MAX_BASE64_CHARS + 4096,
        schema: {
          tags: TAGS,
          summary: 'Upload a picture to my draft (PNG, JPEG or WebP, at most 2 MB), for its story or cover',
          description: `The bytes in base64. Their type is read from the bytes themselves and must be the declared one (400 image_type_mismatch; anything else than PNG, JPEG or WebP is 400 image_type_not_allowed); more than ${MAX_IMAGE_BYTES} bytes is 413 image_too_large; a project holds a limited number of pictures (409 too_many_images). The same picture uploaded again answers the one stored.`,
          params: idParams,
          body: z
            .object({
              contentType: z.enum(IMAGE_TYPES),
              data: z.base64().max(MAX_BASE64_CHARS),
            })
            .strict(),
          response: { 201: imageSchema, 413: errorResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const image = await crowdfunding.uploadImage(userIdOf(request), request.params.id, {
          contentType: request.body.contentType,
          bytes: Buffer.from(request.body.data, 'base64'),
        });
        return reply.code(201).send(imageJson(image));
      },
    );

    app.get(
      '/crowdfunding/mine/projects/:id/images',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'The pictures uploaded to my project',
          params: idParams,
          response: { 200: z.object({ items: z.array(imageSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await crowdfunding.imagesOf(userIdOf(request), request.params.id)).map(imageJson),
      }),
    );

    app.get(
      '/crowdfunding/images/:id',
      {
        config: { auth: 'public' },
        schema: {
          tags: TAGS,
          summary:
            "A project's picture: anyone's once the project is live or decided, before that its creator's and staff's only",
          description:
            'The bytes, with their type and long immutable caching (a picture never changes; its ETag is the sha256 of its bytes).',
          params: idParams,
          response: { 200: z.any(), 304: z.any(), ...errors },
        },
      },
      async (request, reply) => {
        const principal = request.principal;
        const {
          image,
          bytes,
          public: isPublic,
        } = await crowdfunding.readImage(request.params.id, {
          userId: principal.userId,
          staff: allows(principal.roles, 'crowdfunding:review'),
        });
        const etag = `"${image.sha256}"`;
        reply
          .header('x-content-type-options', 'nosniff')
          .header('etag', etag)
          // A picture of a draft is kept by its viewer's browser only, never by a shared cache.
          .header('cache-control', `${isPublic ? 'public' : 'private'}, max-age=${YEAR_SECONDS}, immutable`);
        if (request.headers['if-none-match'] === etag) return reply.code(304).send();
        return reply.type(image.contentType).send(bytes);
      },
    );
  };
}
