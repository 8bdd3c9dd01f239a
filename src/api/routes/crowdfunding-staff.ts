import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { PROJECT_STATUSES, REFUSAL_REASONS } from '../../crowdfunding/index.ts';
import {
  backingJson,
  backingSchema,
  idParams,
  projectJson,
  projectSchema,
  refundBodySchema,
  refundJson,
  refundSchema,
} from './crowdfunding-schemas.ts';
import { context } from './identity.ts';
import { cny, errors, money } from './lending-schemas.ts';

const TAGS = ['crowdfunding'];

/** Crowdfunding for staff: the review queue, review decisions, milestone releases, refunds from escrow. */
export function crowdfundingStaffRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { crowdfunding } = platform;
  const now = () => platform.clock.now();
  return async (app) => {
    app.get(
      '/crowdfunding/staff/projects',
      {
        config: { auth: { permission: 'crowdfunding:review' } },
        schema: {
          tags: TAGS,
          summary: 'Projects by status (submitted: the review queue), most recently changed first',
          querystring: z.object({
            status: z.enum(PROJECT_STATUSES).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(projectSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await crowdfunding.projectsByStatus(request.query.status, request.query.limit)).map((p) =>
          projectJson(p, now()),
        ),
      }),
    );

    app.get(
      '/crowdfunding/staff/projects/:id',
      {
        config: { auth: { permission: 'crowdfunding:review' } },
        schema: {
          tags: TAGS,
          summary:
            "A project with the decision engine's view of its creator, its backings and what escrow holds",
          params: idParams,
          response: {
            200: z.object({
              project: projectSchema,
              backings: z.array(backingSchema),
              escrow: z.object({ amount: z.string(), currency: z.string() }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const project = await crowdfunding.project(request.params.id);
        const escrow = await crowdfunding.escrowBalance(project.id);
        return {
          project: projectJson(project, now()),
          backings: (await crowdfunding.backingsOfProject(project.id)).map(backingJson),
          escrow: money(escrow),
        };
      },
    );

    app.post(
      '/crowdfunding/staff/projects/:id/review',
      {
        config: { auth: { permission: 'crowdfunding:review' } },
        schema: {
          tags: TAGS,
          summary:
            'Approve a submitted project, ask for changes (with the reason), or refuse it (a reason from the list and a text); audited',
          params: idParams,
          body: z.discriminatedUnion('decision', [
            z.object({ decision: z.literal('approve'), note: z.string().max(2000).optional() }).strict(),
            z
              .object({ decision: z.literal('request_changes'), reason: z.string().min(1).max(2000) })
              .strict(),
            z
              .object({
                decision: z.literal('refuse'),
                code: z.enum(REFUSAL_REASONS),
                reason: z.string().min(1).max(2000),
              })
              .strict(),
          ]),
          response: { 200: projectSchema, ...errors },
        },
      },
      async (request) => {
        const b = request.body;
        const review =
          b.decision === 'approve'
            ? { decision: 'approve' as const, ...(b.note !== undefined ? { note: b.note } : {}) }
            : b;
        return projectJson(
          await crowdfunding.reviewProject(request.params.id, review, context(request)),
          now(),
        );
      },
    );

    app.post(
      '/crowdfunding/staff/projects/:id/milestones/review',
      {
        config: { auth: { permission: 'crowdfunding:review' } },
        schema: {
          tags: TAGS,
          summary:
            "Confirm the creator's evidence for the next milestone (its share is paid from escrow) or reject it with a reason; audited",
          params: idParams,
          body: z.discriminatedUnion('decision', [
            z.object({ decision: z.literal('confirm') }).strict(),
            z.object({ decision: z.literal('reject'), reason: z.string().min(1).max(2000) }).strict(),
          ]),
          response: { 200: projectSchema, ...errors },
        },
      },
      async (request) =>
        projectJson(
          await crowdfunding.reviewMilestone(request.params.id, request.body, context(request)),
          now(),
        ),
    );

    app.post(
      '/crowdfunding/staff/backings/:id/refund',
      {
        config: { auth: { permission: 'crowdfunding:review' } },
        schema: {
          tags: TAGS,
          summary:
            "Refund a backer from the project's escrow (up to what they paid, within what escrow holds); audited",
          params: idParams,
          body: refundBodySchema,
          response: { 201: refundSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            refundJson(
              await crowdfunding.refundByStaff(
                request.params.id,
                { amount: cny(request.body.amount), reason: request.body.reason },
                context(request),
              ),
            ),
          ),
    );
  };
}
