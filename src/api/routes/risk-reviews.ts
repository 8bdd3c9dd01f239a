import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { isUuid } from '../../kernel/index.ts';
import { moneyResponseSchema, moneySchema, rateSchema } from '../schemas.ts';
import { context } from './identity.ts';
import { cny, errors, json, money } from './risk.ts';

/** Manual review (人工审核): the queue of referred decisions, and approving, declining, asking for more. */
export function riskReviewRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { risk } = platform;
  return async (app) => {
    const reviewSchema = z.object({
      decisionId: z.string(),
      status: z.string(),
      amount: moneyResponseSchema,
      needsTwo: z.boolean(),
      firstApprover: z.string().nullable(),
      finalAmount: moneyResponseSchema.nullable(),
      finalRate: z.string().nullable(),
      decidedBy: z.string().nullable(),
      reason: z.string().nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
    });
    const reviewJson = (r: Awaited<ReturnType<typeof risk.reviews.get>>) => ({
      ...r,
      amount: money(r.amount)!,
      finalAmount: money(r.finalAmount),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    });
    const reviewParams = z.object({ decisionId: z.uuid() });

    app.get(
      '/reviews',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'The review queue (open and waiting for information by default)',
          querystring: z.object({
            status: z.enum(['open', 'info_requested', 'approved', 'declined']).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(reviewSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await risk.reviews.list(request.query)).map(reviewJson) }),
    );

    app.get(
      '/reviews/:decisionId',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary:
            'A review: the decision, sources, rule hits, score, similar past decisions, actions, and the names of the staff who acted',
          params: reviewParams,
          response: { 200: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async (request) => {
        const id = request.params.decisionId;
        const [review, decision, similar, actions] = await Promise.all([
          risk.reviews.get(id),
          risk.decision(id),
          risk.reviews.similar(id),
          risk.reviews.actions(id),
        ]);
        // The staff who acted, by name: a reviewer reads who approved, not an id.
        const ids = [
          ...new Set(
            [...actions.map((a) => a.actor), review.firstApprover, review.decidedBy].filter(
              (id): id is string => typeof id === 'string' && isUuid(id),
            ),
          ),
        ];
        const actors: Record<string, string | null> = {};
        for (const id of ids) actors[id] = (await platform.identity.users.get(id))?.display_name ?? null;
        return json({ review: reviewJson(review), decision, similar, actions, actors });
      },
    );

    app.post(
      '/reviews/:decisionId/approve',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Approve (amount and rate adjustable within policy; two officers above the threshold)',
          params: reviewParams,
          body: z.object({ amount: moneySchema().optional(), annualRate: rateSchema.optional() }).strict(),
          response: { 200: reviewSchema, ...errors },
        },
      },
      async (request) =>
        reviewJson(
          await risk.reviews.approve(
            request.params.decisionId,
            {
              amount: request.body.amount ? cny(request.body.amount) : undefined,
              annualRate: request.body.annualRate,
            },
            context(request),
          ),
        ),
    );

    app.post(
      '/reviews/:decisionId/decline',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Decline with a reason',
          params: reviewParams,
          body: z.object({ reason: z.string().min(1).max(200) }).strict(),
          response: { 200: reviewSchema, ...errors },
        },
      },
      async (request) =>
        reviewJson(
          await risk.reviews.decline(request.params.decisionId, request.body.reason, context(request)),
        ),
    );

    app.post(
      '/reviews/:decisionId/request-info',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Ask the applicant for more information',
          params: reviewParams,
          body: z.object({ message: z.string().min(1).max(200) }).strict(),
          response: { 200: reviewSchema, ...errors },
        },
      },
      async (request) =>
        reviewJson(
          await risk.reviews.requestInfo(request.params.decisionId, request.body.message, context(request)),
        ),
    );
  };
}
