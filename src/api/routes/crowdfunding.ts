import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { CATEGORY_CODES, type Category } from '../../crowdfunding/index.ts';
import { userIdOf } from '../auth.ts';
import { moneySchema } from '../schemas.ts';
import {
  backingJson,
  backingSchema,
  categoriesSchema,
  categoryJson,
  idParams,
  projectBodySchema,
  projectInput,
  projectJson,
  projectSchema,
  publicProjectJson,
  publicProjectSchema,
  refundBodySchema,
  refundJson,
  refundSchema,
} from './crowdfunding-schemas.ts';
import { cny, errors } from './lending-schemas.ts';

const TAGS = ['crowdfunding'];

/**
 * Crowdfunding for everyone: the public list and project pages, and for signed-in customers their
 * projects (draft, edit, submit, schedule, milestones, refunds) and their backings (back, cancel).
 */
export function crowdfundingRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { crowdfunding } = platform;
  const now = () => platform.clock.now();
  return async (app) => {
    app.get(
      '/crowdfunding/categories',
      {
        config: { auth: 'public' },
        schema: {
          tags: TAGS,
          summary: 'The categories a project belongs to, with labels in English and Chinese',
          response: { 200: categoriesSchema },
        },
      },
      async () => CATEGORY_CODES.map(categoryJson),
    );

    app.get(
      '/crowdfunding/projects',
      {
        config: { auth: 'public' },
        schema: {
          tags: TAGS,
          summary:
            'Live projects: by category, sorted popular (most backers), ending soon or newest, each with its progress',
          querystring: z.object({
            category: z.enum(CATEGORY_CODES as [Category, ...Category[]]).optional(),
            sort: z.enum(['popular', 'ending_soon', 'newest']).default('popular'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(publicProjectSchema) }), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const projects = await crowdfunding.discover({
          sort: q.sort,
          limit: q.limit,
          ...(q.category ? { category: q.category } : {}),
        });
        return { items: projects.map((p) => publicProjectJson(p, now())) };
      },
    );

    app.get(
      '/crowdfunding/projects/:id',
      {
        config: { auth: 'public' },
        schema: {
          tags: TAGS,
          summary:
            "A launched project's page: its story, tiers, progress and backers count; your own backings if signed in",
          params: idParams,
          response: {
            200: z.object({
              project: publicProjectSchema,
              yourBackings: z.array(backingSchema),
              cancelUntil: z
                .string()
                .nullable()
                .describe('Until when a backer may cancel (the deadline less the configured cut-off).'),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const project = await crowdfunding.publicProject(request.params.id);
        const userId = request.principal.userId;
        const yours = userId
          ? (await crowdfunding.backingsOf(userId)).filter((b) => b.projectId === project.id)
          : [];
        const cutOffMs = crowdfunding.settings.cancelCutOffHours * 3_600_000;
        return {
          project: publicProjectJson(project, now()),
          yourBackings: yours.map(backingJson),
          cancelUntil: project.deadlineAt
            ? new Date(project.deadlineAt.getTime() - cutOffMs).toISOString()
            : null,
        };
      },
    );

    app.post(
      '/crowdfunding/projects',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary:
            'Start a project as a draft (identity verified): story, images, category, target, duration, tiers, payout plan',
          body: projectBodySchema,
          response: { 201: projectSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            projectJson(
              await crowdfunding.createProject(userIdOf(request), projectInput(request.body)),
              now(),
            ),
          ),
    );

    app.put(
      '/crowdfunding/projects/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'Replace my draft (or a project sent back for changes) with this version',
          params: idParams,
          body: projectBodySchema,
          response: { 200: projectSchema, ...errors },
        },
      },
      async (request) =>
        projectJson(
          await crowdfunding.editProject(userIdOf(request), request.params.id, projectInput(request.body)),
          now(),
        ),
    );

    app.post(
      '/crowdfunding/projects/:id/submit',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'Submit my project for review (the decision engine checks me as its creator)',
          params: idParams,
          response: { 200: projectSchema, ...errors },
        },
      },
      async (request) =>
        projectJson(await crowdfunding.submitProject(userIdOf(request), request.params.id), now()),
    );

    app.post(
      '/crowdfunding/projects/:id/schedule',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary:
            'Pick when my approved project goes live (now or later); the deadline follows from its duration',
          params: idParams,
          body: z.object({ launchAt: z.iso.datetime({ offset: true }) }).strict(),
          response: { 200: projectSchema, ...errors },
        },
      },
      async (request) =>
        projectJson(
          await crowdfunding.scheduleProject(
            userIdOf(request),
            request.params.id,
            new Date(request.body.launchAt),
          ),
          now(),
        ),
    );

    app.get(
      '/crowdfunding/mine/projects',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'My projects in every state',
          response: { 200: z.object({ items: z.array(projectSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await crowdfunding.projectsOf(userIdOf(request))).map((p) => projectJson(p, now())),
      }),
    );

    app.get(
      '/crowdfunding/mine/projects/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'One of my projects, with its review, risk view and milestones',
          params: idParams,
          response: { 200: projectSchema, ...errors },
        },
      },
      async (request) =>
        projectJson(await crowdfunding.ownProject(userIdOf(request), request.params.id), now()),
    );

    app.post(
      '/crowdfunding/projects/:id/backings',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary:
            'Back a live project from my wallet: a reward tier, or an amount without a reward; held until the deadline',
          description:
            'The money is frozen in the wallet (a pending transfer) until day-close after the deadline: taken if the project reaches its target, released if not. A sold-out tier answers 409 tier_sold_out and takes nothing.',
          params: idParams,
          body: z
            .object({
              tierId: z.uuid().optional(),
              amount: moneySchema().optional(),
              paymentPassword: z.string().max(6),
            })
            .strict(),
          response: { 201: backingSchema, ...errors },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const backing = await crowdfunding.back(userIdOf(request), request.params.id, {
          tierId: b.tierId,
          amount: b.amount ? cny(b.amount) : undefined,
          paymentPassword: b.paymentPassword,
        });
        return reply.code(201).send(backingJson(backing));
      },
    );

    app.post(
      '/crowdfunding/projects/:id/backings/card',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary:
            'Back a live project by card through the payment channel: a top-up of the exact amount; the backing is held when the channel confirms it',
          description:
            "Answers 202 with the backing awaiting payment and its top-up order. When the channel's notification settles the order, the backing is held as if paid from the wallet; if the tier sold out or the project closed meanwhile it fails with that reason and the money stays in the wallet; if the payment fails, nothing is taken.",
          params: idParams,
          body: z
            .object({ tierId: z.uuid().optional(), amount: moneySchema().optional(), cardId: z.uuid() })
            .strict(),
          response: {
            202: z.object({
              backing: backingSchema,
              order: z.object({ id: z.string(), status: z.string() }),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const { backing, order } = await crowdfunding.backByCard(userIdOf(request), request.params.id, {
          tierId: b.tierId,
          amount: b.amount ? cny(b.amount) : undefined,
          cardId: b.cardId,
        });
        return reply
          .code(202)
          .send({ backing: backingJson(backing), order: { id: order.id, status: order.status } });
      },
    );

    app.get(
      '/crowdfunding/mine/backings',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: 'My backings, newest first',
          response: { 200: z.object({ items: z.array(backingSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await crowdfunding.backingsOf(userIdOf(request))).map(backingJson) }),
    );

    app.post(
      '/crowdfunding/backings/:id/cancel',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary:
            'Cancel my backing before the cut-off (the last 48 hours by default): the hold is released',
          params: idParams,
          response: { 200: backingSchema, ...errors },
        },
      },
      async (request) => backingJson(await crowdfunding.cancelBacking(userIdOf(request), request.params.id)),
    );

    app.post(
      '/crowdfunding/projects/:id/milestones/submit',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary: "Send evidence that my project's next milestone is reached, for staff to confirm",
          params: idParams,
          body: z.object({ evidence: z.string().min(1).max(5000) }).strict(),
          response: { 200: projectSchema, ...errors },
        },
      },
      async (request) =>
        projectJson(
          await crowdfunding.submitMilestone(userIdOf(request), request.params.id, request.body.evidence),
          now(),
        ),
    );

    app.post(
      '/crowdfunding/backings/:id/refund',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: TAGS,
          summary:
            'Refund a backer of my successful project from its escrow (up to what they paid, within what escrow holds)',
          params: idParams,
          body: refundBodySchema,
          response: { 201: refundSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          refundJson(
            await crowdfunding.refundByCreator(userIdOf(request), request.params.id, {
              amount: cny(request.body.amount),
              reason: request.body.reason,
            }),
          ),
        ),
    );
  };
}
