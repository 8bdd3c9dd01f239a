import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { Complaint } from '../../crowdfunding/index.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import { backingJson, backingSchema, idParams } from './crowdfunding-schemas.ts';
import { context } from './identity.ts';
import { cny, errors, money } from './lending-schemas.ts';

const TAGS = ['crowdfunding'];
const entrySchema = z.object({ id: z.string(), body: z.string(), createdAt: z.string() });
const updateSchema = entrySchema.extend({ title: z.string() });
const addressSchema = z.object({
  name: z.string().max(60),
  phone: z.string().max(20),
  address: z.string().max(300),
});
const shippingRowSchema = z.object({
  backing: backingSchema,
  shipping: z.boolean(),
  address: addressSchema.nullable(),
});
const complaintSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    backingId: z.string(),
    text: z.string(),
    status: z.enum(['open', 'resolved']),
    resolution: z.string().nullable(),
    refund: z
      .object({ id: z.string(), amount: moneyResponseSchema, createdAt: z.string() })
      .nullable()
      .describe("The refund from the project's escrow made in the resolution, if any."),
    createdAt: z.string(),
  })
  .meta({ id: 'CrowdfundingComplaint' });
const complaintJson = (c: Complaint) => ({
  ...c,
  refund: c.refund
    ? { id: c.refund.id, amount: money(c.refund.amount), createdAt: c.refund.createdAt.toISOString() }
    : null,
  createdAt: c.createdAt.toISOString(),
});
const stamp = <T extends { createdAt: Date }>(e: T) => ({ ...e, createdAt: e.createdAt.toISOString() });

/** After launch: updates, comments, shipping addresses, reward delivery, complaints. */
export function crowdfundingAfterRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { crowdfunding } = platform;
  return async (app) => {
    app.get(
      '/crowdfunding/projects/:id/updates',
      {
        config: { auth: 'public' },
        schema: {
          tags: TAGS,
          summary: "A launched project's updates from its creator",
          params: idParams,
          response: { 200: z.object({ items: z.array(updateSchema) }), ...errors },
        },
      },
      async (request) => {
        await crowdfunding.publicProject(request.params.id);
        return { items: (await crowdfunding.updatesOf(request.params.id)).map(stamp) };
      },
    );
    app.post(
      '/crowdfunding/projects/:id/updates',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'Post an update on my project: every backer is told by message',
          params: idParams,
          body: z.object({ title: z.string().min(1).max(120), body: z.string().min(1).max(10_000) }).strict(),
          response: { 201: z.object({ id: z.string(), notified: z.number() }), ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await crowdfunding.postUpdate(userIdOf(request), request.params.id, request.body)),
    );
    app.get(
      '/crowdfunding/projects/:id/comments',
      {
        config: { auth: 'public' },
        schema: {
          tags: TAGS,
          summary: "Backers' comments on a launched project (never who wrote them)",
          params: idParams,
          response: { 200: z.object({ items: z.array(entrySchema) }), ...errors },
        },
      },
      async (request) => {
        await crowdfunding.publicProject(request.params.id);
        return { items: (await crowdfunding.commentsOf(request.params.id)).map(stamp) };
      },
    );
    app.post(
      '/crowdfunding/projects/:id/comments',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'Comment on a project I back',
          params: idParams,
          body: z.object({ body: z.string().min(1).max(2000) }).strict(),
          response: { 201: entrySchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(stamp(await crowdfunding.comment(userIdOf(request), request.params.id, request.body.body))),
    );
    app.post(
      '/crowdfunding/backings/:id/address',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'Give the shipping address for my reward (kept encrypted)',
          params: idParams,
          body: addressSchema.strict(),
          response: { 200: backingSchema, ...errors },
        },
      },
      async (request) =>
        backingJson(await crowdfunding.setAddress(userIdOf(request), request.params.id, request.body)),
    );
    app.get(
      '/crowdfunding/mine/projects/:id/shipping',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: "My project's backings to deliver, with the addresses of those whose reward ships",
          params: idParams,
          response: { 200: z.object({ items: z.array(shippingRowSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await crowdfunding.shippingList(request.params.id, { creatorId: userIdOf(request) })).map(
          (r) => ({ ...r, backing: backingJson(r.backing) }),
        ),
      }),
    );
    app.get(
      '/crowdfunding/staff/projects/:id/shipping',
      {
        config: { auth: { permission: 'crowdfunding:review' } },
        schema: {
          tags: TAGS,
          summary: "A project's backings and delivery, addresses masked",
          params: idParams,
          response: { 200: z.object({ items: z.array(shippingRowSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await crowdfunding.shippingList(request.params.id, 'staff')).map((r) => ({
          ...r,
          backing: backingJson(r.backing),
        })),
      }),
    );
    app.post(
      '/crowdfunding/backings/:id/delivery',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary:
            "Mark a backer's reward shipped (carrier, tracking) or delivered, as the project's creator",
          params: idParams,
          body: z.discriminatedUnion('state', [
            z
              .object({
                state: z.literal('shipped'),
                carrier: z.string().min(1).max(60),
                tracking: z.string().min(1).max(60),
              })
              .strict(),
            z.object({ state: z.literal('delivered') }).strict(),
          ]),
          response: { 200: backingSchema, ...errors },
        },
      },
      async (request) =>
        backingJson(await crowdfunding.markDelivery(userIdOf(request), request.params.id, request.body)),
    );
    app.post(
      '/crowdfunding/backings/:id/complaints',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'Complain about my backing (staff resolve it, perhaps with a refund)',
          params: idParams,
          body: z.object({ text: z.string().min(1).max(5000) }).strict(),
          response: { 201: complaintSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            complaintJson(
              await crowdfunding.openComplaint(userIdOf(request), request.params.id, request.body.text),
            ),
          ),
    );
    app.get(
      '/crowdfunding/mine/complaints',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'My complaints about my backings, newest first, with their answers and refunds',
          response: { 200: z.object({ items: z.array(complaintSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await crowdfunding.complaintsOf(userIdOf(request))).map(complaintJson),
      }),
    );
    app.get(
      '/crowdfunding/staff/complaints',
      {
        config: { auth: { permission: 'crowdfunding:review' } },
        schema: {
          tags: TAGS,
          summary: 'Complaints, newest first',
          querystring: z.object({ status: z.enum(['open', 'resolved']).optional() }),
          response: { 200: z.object({ items: z.array(complaintSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await crowdfunding.complaints(request.query.status)).map(complaintJson),
      }),
    );
    app.post(
      '/crowdfunding/staff/complaints/:id/resolve',
      {
        config: { auth: { permission: 'crowdfunding:review' } },
        schema: {
          tags: TAGS,
          summary:
            "Resolve a complaint, optionally refunding its backer from the project's escrow in the same action; audited",
          description:
            'With refund, the refund (up to what the backer paid less refunds, within what escrow holds) and the resolution commit together; a refund refused leaves the complaint open. The refund records the complaint.',
          params: idParams,
          body: z
            .object({
              resolution: z.string().min(1).max(5000),
              refund: z.object({ amount: moneySchema() }).strict().optional(),
            })
            .strict(),
          response: { 200: complaintSchema, ...errors },
        },
      },
      async (request) =>
        complaintJson(
          await crowdfunding.resolveComplaint(
            request.params.id,
            request.body.resolution,
            context(request),
            request.body.refund ? { amount: cny(request.body.refund.amount) } : undefined,
          ),
        ),
    );
  };
}
