import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { PIPELINE_PERIODS, PIPELINE_STAGES, PIPELINE_TARGETS, type PipelineViewer } from '../../crm/index.ts';
import { allows } from '../../identity/index.ts';
import { addDays, DomainError, type PlainDate, parseDate } from '../../kernel/index.ts';
import { context } from './identity.ts';
import { errors, idParams, limitQuery, toJson } from './lending-schemas.ts';

const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const anyJson = z.record(z.string(), z.unknown());
const code = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/);
const note = z.string().max(2000);
/** Whose prospects or tasks: mine, everyone's (a manager), or one member of staff's (a manager). */
const ownerQuery = z.union([z.uuid(), z.literal('me'), z.literal('all')]).default('me');

function viewerOf(request: FastifyRequest): PipelineViewer {
  return { userId: request.principal.userId, manager: allows(request.principal.roles, 'crm:manage') };
}

/** The owner filter a caller may use: their own; anyone's only for a manager. */
function ownerFilter(request: FastifyRequest, owner: string): string | undefined {
  const viewer = viewerOf(request);
  const ownerId = owner === 'me' ? viewer.userId : owner === 'all' ? undefined : owner;
  if (owner === 'me' && ownerId === null)
    throw new DomainError(
      'user_required',
      'forbidden',
      'the admin token follows no prospects: ask for owner=all',
    );
  if (!viewer.manager && ownerId !== viewer.userId)
    throw new DomainError('manager_only', 'forbidden', "only a manager sees other people's pipeline");
  return ownerId ?? undefined;
}

const stageFields = {
  note: note.optional().describe('Why: the stage change is recorded with it.'),
  expectedOn: dateText.optional().describe('not_now: the date the prospect expects to buy (required).'),
  reasonCode: code
    .optional()
    .describe('definitely_not: a reason from GET /v1/crm/pipeline/settings (required).'),
  reasonText: note.optional().describe('definitely_not: free text (required with the reason "other").'),
};

/** The CRM sales pipeline: prospects by intent stage, their follow-up tasks, the manager's views. */
export function crmPipelineRoutes(platform: Platform): FastifyPluginAsyncZod {
  const pipeline = platform.crmPipeline;
  return async (app) => {
    app.post(
      '/crm/prospects',
      {
        config: { auth: { permission: 'crm:follow' } },
        schema: {
          tags: ['crm'],
          summary:
            "A customer enters the pipeline at a stage with the stage's required fields and its follow-up task. The owner is the caller; a manager may name another member of staff who follows prospects",
          body: z
            .object({
              userId: z.uuid(),
              ownerId: z.uuid().optional(),
              stage: z.enum(PIPELINE_STAGES).default('interested'),
              productInterest: code.optional(),
              ...stageFields,
            })
            .strict(),
          response: { 201: anyJson, ...errors },
        },
      },
      async (request, reply) => {
        const detail = await pipeline.createProspect(viewerOf(request), request.body, context(request));
        return reply.code(201).send(toJson(detail) as Record<string, unknown>);
      },
    );
    app.get(
      '/crm/prospects',
      {
        config: { auth: { permission: 'crm:follow' } },
        schema: {
          tags: ['crm'],
          summary:
            "Prospects in the pipeline (or, with stage=left, those who left it), most recently moved first, customers masked. Mine; a manager anyone's (owner=all or an id)",
          querystring: limitQuery
            .extend({
              owner: ownerQuery,
              stage: z.enum(PIPELINE_TARGETS).optional(),
              offset: z.coerce.number().int().min(0).max(100_000).default(0),
            })
            .strict(),
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await pipeline.prospects({
          ownerId: ownerFilter(request, q.owner),
          stage: q.stage,
          limit: q.limit,
          offset: q.offset,
        });
        return { items: items.map((p) => toJson(p) as Record<string, unknown>) };
      },
    );
    app.get(
      '/crm/prospects/:id',
      {
        config: { auth: { permission: 'crm:follow' } },
        schema: {
          tags: ['crm'],
          summary:
            'A prospect (the customer masked) with its stage history and its tasks: its owner, or a manager',
          params: idParams,
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) =>
        toJson(await pipeline.prospect(request.params.id, viewerOf(request))) as Record<string, unknown>,
    );
    app.post(
      '/crm/prospects/:id/stage',
      {
        config: { auth: { permission: 'crm:follow' } },
        schema: {
          tags: ['crm'],
          summary:
            'Move a prospect to a stage, or out of the pipeline (left): recorded with who, when, from, to and why; open tasks are cancelled and the stage creates its own (interested: due the next business day; hesitating: in a week, with content suggestions; not_now: for the date they expect to buy). definitely_not needs a reason. Its owner, or a manager',
          params: idParams,
          body: z.object({ stage: z.enum(PIPELINE_TARGETS), ...stageFields }).strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => {
        const { stage, ...input } = request.body;
        const detail = await pipeline.changeStage(
          request.params.id,
          viewerOf(request),
          stage,
          input,
          context(request),
        );
        return toJson(detail) as Record<string, unknown>;
      },
    );
    app.get(
      '/crm/tasks',
      {
        config: { auth: { permission: 'crm:follow' } },
        schema: {
          tags: ['crm'],
          summary:
            "Follow-up tasks by due time: mine; a manager anyone's (owner=all or an id). overdue=true: open and past due",
          querystring: limitQuery
            .extend({
              owner: ownerQuery,
              status: z.enum(['open', 'done', 'cancelled']).optional(),
              overdue: z.enum(['true', 'false']).optional(),
              offset: z.coerce.number().int().min(0).max(100_000).default(0),
            })
            .strict(),
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const items = await pipeline.tasks({
          ownerId: ownerFilter(request, q.owner),
          status: q.status,
          overdueAt: q.overdue === 'true' ? platform.clock.now() : undefined,
          limit: q.limit,
          offset: q.offset,
        });
        return { items: items.map((t) => toJson(t) as Record<string, unknown>) };
      },
    );
    app.post(
      '/crm/tasks/:id/complete',
      {
        config: { auth: { permission: 'crm:follow' } },
        schema: {
          tags: ['crm'],
          summary:
            'Close an open task: done with what came of it, or cancelled with why. Its owner, or a manager',
          params: idParams,
          body: z
            .object({
              status: z.enum(['done', 'cancelled']).default('done'),
              outcome: z.string().min(1).max(2000),
            })
            .strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) =>
        toJson(
          await pipeline.closeTask(request.params.id, viewerOf(request), request.body, context(request)),
        ) as Record<string, unknown>,
    );
    app.post(
      '/crm/tasks/:id/reassign',
      {
        config: { auth: { permission: 'crm:manage' } },
        schema: {
          tags: ['crm'],
          summary: 'Give an open task to another member of staff who follows prospects (manager)',
          params: idParams,
          body: z.object({ ownerId: z.uuid() }).strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) =>
        toJson(
          await pipeline.reassignTask(request.params.id, request.body.ownerId, context(request)),
        ) as Record<string, unknown>,
    );
    app.get(
      '/crm/pipeline/overdue',
      {
        config: { auth: { permission: 'crm:manage' } },
        schema: {
          tags: ['crm'],
          summary: "The manager's view: open tasks past due, counted per owner, and the list (oldest first)",
          querystring: limitQuery.strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => toJson(await pipeline.overdue(request.query.limit)) as Record<string, unknown>,
    );
    app.get(
      '/crm/pipeline/reasons',
      {
        config: { auth: { permission: 'crm:read' } },
        schema: {
          tags: ['crm'],
          summary:
            '"Definitely not" reasons for the product teams: counts by reason, by period (day, week, month) and by product interest, over business dates [from, to] (default: the last 90 days)',
          querystring: z
            .object({
              from: dateText.optional(),
              to: dateText.optional(),
              period: z.enum(PIPELINE_PERIODS).default('month'),
            })
            .strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => {
        const to = (request.query.to ?? platform.clock.businessDate()) as PlainDate;
        const from = (request.query.from ?? addDays(to, -90)) as PlainDate;
        if (from > to) throw new DomainError('range_invalid', 'invalid', 'from is after to');
        if (addDays(from, 3660) < to)
          throw new DomainError('range_too_long', 'invalid', 'a report spans at most ten years');
        return toJson(await pipeline.reasons({ from, to, period: request.query.period })) as Record<
          string,
          unknown
        >;
      },
    );
    app.get(
      '/crm/pipeline/settings',
      {
        config: { auth: { permission: 'crm:follow' } },
        schema: {
          tags: ['crm'],
          summary:
            'The pipeline\'s lists: content suggested per stage, "definitely not" reasons, product interests (labels in English and Chinese), and the hour tasks fall due',
          response: { 200: anyJson, ...errors },
        },
      },
      async () => ({ ...(await pipeline.settings()) }),
    );
    app.put(
      '/crm/pipeline/settings',
      {
        config: { auth: { permission: 'crm:manage' } },
        schema: {
          tags: ['crm'],
          summary: "Replace the pipeline's lists (validated as a whole)",
          body: anyJson,
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => ({ ...(await pipeline.saveSettings(request.body, context(request))) }),
    );
  };
}
