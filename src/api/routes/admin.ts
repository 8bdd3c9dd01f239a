import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { allows, ROLES, type Role, STAFF_ROLES } from '../../identity/index.ts';
import { errorResponseSchema } from '../errors.ts';
import { context, profileJson, profileSchema } from './identity.ts';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};

export function adminRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { identity } = platform;
  return async (app) => {
    app.post(
      '/staff',
      {
        config: { auth: { permission: 'staff:manage' } },
        schema: {
          tags: ['admin'],
          summary: 'Create a staff member with roles',
          body: z
            .object({
              phone: z.string().max(20),
              password: z.string().min(1).max(128),
              displayName: z.string().min(1).max(40),
              roles: z
                .array(z.enum(STAFF_ROLES as [Role, ...Role[]]))
                .min(1)
                .max(STAFF_ROLES.length),
            })
            .strict(),
          response: { 201: z.object({ userId: z.string() }), ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send({ userId: await identity.users.createStaff(request.body, context(request)) }),
    );

    app.put(
      '/users/:id/roles',
      {
        config: { auth: { permission: 'staff:manage' } },
        schema: {
          tags: ['admin'],
          summary: "Replace a user's roles",
          params: z.object({ id: z.uuid() }),
          body: z.object({ roles: z.array(z.enum(ROLES)).max(ROLES.length) }).strict(),
          response: { 200: z.object({ roles: z.array(z.string()) }), ...errors },
        },
      },
      async (request) => ({
        roles: await identity.users.setRoles(
          request.params.id,
          [...new Set(request.body.roles)],
          context(request),
        ),
      }),
    );

    app.get(
      '/users',
      {
        config: { auth: { permission: 'users:read' } },
        schema: {
          tags: ['admin'],
          summary: 'Users, newest first (personal data masked)',
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(200).default(50),
            before: z.uuid().optional().describe('The last id of the previous page.'),
            role: z.enum(ROLES).optional(),
          }),
          response: {
            200: z.object({ items: z.array(profileSchema), nextBefore: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const users = await identity.users.list(request.query);
        return {
          items: users.map(profileJson),
          nextBefore: users.length === request.query.limit ? users[users.length - 1]!.id : null,
        };
      },
    );

    app.get(
      '/users/:id',
      {
        config: { auth: { permission: 'users:read' } },
        schema: {
          tags: ['admin'],
          summary: "A user's profile; `unmasked=true` shows personal data in full (pii:read, audited)",
          params: z.object({ id: z.uuid() }),
          querystring: z.object({ unmasked: z.enum(['true', 'false']).optional() }),
          response: { 200: profileSchema, ...errors },
        },
      },
      async (request, reply) => {
        const unmasked = request.query.unmasked === 'true';
        if (unmasked) {
          if (!allows(request.principal.roles, 'pii:read')) {
            return reply
              .code(403)
              .send({ error: { code: 'permission_denied', message: 'this needs the pii:read permission' } });
          }
          await identity.audit(context(request), {
            action: 'pii.read',
            subjectType: 'user',
            subjectId: request.params.id,
          });
        }
        return profileJson(await identity.users.profile(request.params.id, { unmasked }));
      },
    );

    app.get(
      '/audit',
      {
        config: { auth: { permission: 'audit:read' } },
        schema: {
          tags: ['admin'],
          summary: 'The audit log, newest first',
          querystring: z.object({
            limit: z.coerce.number().int().min(1).max(500).default(100),
            before: z.uuid().optional(),
            actorId: z.string().max(64).optional(),
            action: z.string().max(100).optional(),
            subjectId: z.string().max(100).optional(),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  at: z.string(),
                  actorId: z.string(),
                  actorName: z
                    .string()
                    .nullable()
                    .describe('The display name (or masked number) of a user; null for the system.'),
                  actorRoles: z.array(z.string()),
                  action: z.string(),
                  subjectType: z.string().nullable(),
                  subjectId: z.string().nullable(),
                  subjectLabel: z
                    .string()
                    .nullable()
                    .describe("A user subject's name, when the subject is a user."),
                  ip: z.string().nullable(),
                  before: z.unknown(),
                  after: z.unknown(),
                  details: z.unknown(),
                }),
              ),
              nextBefore: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const rows = await identity.listAudit(request.query);
        return {
          items: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
          nextBefore: rows.length === request.query.limit ? rows[rows.length - 1]!.id : null,
        };
      },
    );
  };
}
