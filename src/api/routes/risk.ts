import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { CNY, formatAmount, parseAmount, parseDate, ruleViolation } from '../../kernel/index.ts';
import type { Decision } from '../../risk/index.ts';
import { errorResponseSchema } from '../errors.ts';
import { moneyResponseSchema, moneySchema, rateSchema } from '../schemas.ts';
import { context } from './identity.ts';

export const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};
export const money = (minor: bigint | null) =>
  minor === null ? null : { amount: formatAmount(minor, CNY), currency: 'CNY' };
export const cny = (value: { amount: string; currency: string }) => {
  if (value.currency !== 'CNY') throw ruleViolation('currency_not_supported', 'credit is granted in CNY');
  return (parseAmount(value.amount, CNY) as { ok: true; value: bigint }).value;
};
export const json = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));

export const decisionSchema = z
  .object({
    decisionId: z.string(),
    outcome: z.enum(['approve', 'refer', 'decline']),
    grade: z.string().nullable(),
    score: z.number().nullable(),
    probabilityOfDefault: z.number().nullable(),
    annualRate: z.string().nullable(),
    upfrontFeeRate: z.string().nullable(),
    amount: moneyResponseSchema.nullable(),
    limit: moneyResponseSchema.nullable(),
    termOptions: z.array(z.number()),
    reasons: z.array(z.string()),
    variant: z.string(),
    graph: z.object({ id: z.string(), name: z.string(), version: z.number() }),
    model: z.object({ id: z.string(), version: z.number() }).nullable(),
  })
  .meta({ id: 'CreditDecision' });

export function decisionJson(d: Decision) {
  return { ...d, amount: money(d.amount), limit: money(d.limit) };
}

export const applicationSchema = z
  .object({
    product: z.string().min(1).max(40).default('standard'),
    amount: moneySchema(),
    termMonths: z.number().int().min(1).max(60),
    purpose: z.string().min(1).max(60),
    monthlyIncome: moneySchema({ allowZero: true }),
    monthlyDebt: moneySchema({ allowZero: true }),
    employmentYears: z.number().min(0).max(60).nullable().optional(),
    device: z.string().max(100).optional(),
  })
  .strict();

const graphSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number(),
  status: z.string(),
  description: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  publishedBy: z.string().nullable(),
  publishedAt: z.string().nullable(),
  retiredAt: z.string().nullable(),
  content: z.unknown().optional(),
});
type GraphLike = Omit<import('../../risk/index.ts').GraphVersion, 'content'> & { content?: unknown };
const graphJson = (g: GraphLike) => ({
  ...g,
  createdAt: g.createdAt.toISOString(),
  publishedAt: g.publishedAt?.toISOString() ?? null,
  retiredAt: g.retiredAt?.toISOString() ?? null,
});
const idParams = z.object({ id: z.uuid() });
const dateQuery = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });

export function riskRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { risk } = platform;
  return async (app) => {
    app.post(
      '/decisions',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Decide on a credit application for an applicant (borrowers apply through lending)',
          body: applicationSchema.extend({ applicantId: z.uuid() }),
          response: { 200: decisionSchema, ...errors },
        },
      },
      async (request) => {
        const b = request.body;
        return decisionJson(
          await risk.decide({
            applicantId: b.applicantId,
            product: b.product,
            amount: cny(b.amount),
            termMonths: b.termMonths,
            purpose: b.purpose,
            monthlyIncome: cny(b.monthlyIncome),
            monthlyDebt: cny(b.monthlyDebt),
            employmentYears: b.employmentYears ?? null,
            device: b.device ?? null,
            ip: request.ip,
          }),
        );
      },
    );

    app.get(
      '/decisions/:id',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary:
            'A logged decision: inputs, each source’s response, the trace of every node, versions, outcome',
          params: idParams,
          response: { 200: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async (request) => json(await risk.decision(request.params.id)),
    );

    app.post(
      '/decisions/:id/replay',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Run a logged decision again with its graph, model and inputs',
          params: idParams,
          response: {
            200: z.object({ same: z.boolean(), original: z.unknown(), replayed: z.unknown() }),
            ...errors,
          },
        },
      },
      async (request) => json(await risk.replay(request.params.id)),
    );

    app.get(
      '/graphs',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Decision graph versions',
          querystring: z.object({ name: z.string().max(41).optional() }),
          response: { 200: z.object({ items: z.array(graphSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await risk.graphs.list(request.query.name)).map((g) => graphJson(g)) }),
    );

    app.get(
      '/graphs/:id',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'A decision graph version with its JDM content',
          params: idParams,
          response: { 200: graphSchema, ...errors },
        },
      },
      async (request) => graphJson(await risk.graphs.get(request.params.id)),
    );

    app.post(
      '/graphs',
      {
        config: { auth: { permission: 'risk:manage' } },
        schema: {
          tags: ['risk'],
          summary: 'Create a draft version (JDM content)',
          body: z
            .object({
              name: z.string().max(41),
              content: z.record(z.string(), z.unknown()),
              description: z.string().max(200).optional(),
            })
            .strict(),
          response: { 201: graphSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(graphJson(await risk.graphs.createDraft(request.body, context(request)))),
    );

    app.put(
      '/graphs/:id',
      {
        config: { auth: { permission: 'risk:manage' } },
        schema: {
          tags: ['risk'],
          summary: 'Edit a draft',
          params: idParams,
          body: z
            .object({
              content: z.record(z.string(), z.unknown()),
              description: z.string().max(200).optional(),
            })
            .strict(),
          response: { 200: graphSchema, ...errors },
        },
      },
      async (request) =>
        graphJson(await risk.graphs.updateDraft(request.params.id, request.body, context(request))),
    );

    app.post(
      '/graphs/:id/publish',
      {
        config: { auth: { permission: 'risk:manage' } },
        schema: {
          tags: ['risk'],
          summary: 'Validate and publish a draft; it becomes the champion of its name',
          params: idParams,
          response: { 200: graphSchema, ...errors },
        },
      },
      async (request) => graphJson(await risk.graphs.publish(request.params.id, context(request))),
    );

    app.post(
      '/graphs/:id/retire',
      {
        config: { auth: { permission: 'risk:manage' } },
        schema: {
          tags: ['risk'],
          summary: 'Retire a version',
          params: idParams,
          response: { 200: graphSchema, ...errors },
        },
      },
      async (request) => graphJson(await risk.graphs.retire(request.params.id, context(request))),
    );

    app.post(
      '/graphs/:id/simulate',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'What-if: run a version over past applications or a CSV, compared with what was decided',
          params: idParams,
          body: z
            .object({
              history: z.number().int().min(1).max(100_000).optional(),
              csv: z.string().max(5_000_000).optional(),
            })
            .strict(),
          response: { 200: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async (request) => json(await risk.simulate(request.params.id, request.body)),
    );

    app.put(
      '/challenger',
      {
        config: { auth: { permission: 'risk:manage' } },
        schema: {
          tags: ['risk'],
          summary: 'Give a published challenger graph a share of applicants (null to stop)',
          body: z.object({ graphId: z.uuid(), share: rateSchema }).strict().nullable(),
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (body) {
          const graph = await risk.graphs.get(body.graphId);
          if (graph.status !== 'published')
            throw ruleViolation('challenger_not_published', 'a challenger must be a published version');
          if (Number(body.share) > 1)
            throw ruleViolation('share_out_of_range', 'the share is between 0 and 1');
        }
        await risk.setChallenger(body, context(request));
        return reply.code(204).send();
      },
    );

    app.get(
      '/challenger',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'The challenger graph and its share of applicants (null: the champion decides alone)',
          response: {
            200: z.object({ challenger: z.object({ graphId: z.string(), share: z.string() }).nullable() }),
            ...errors,
          },
        },
      },
      async () => ({ challenger: await risk.challenger() }),
    );

    app.get(
      '/reports/challenger',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Champion against challenger over business dates',
          querystring: z.object({ from: dateQuery, to: dateQuery }),
          response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }), ...errors },
        },
      },
      async (request) => ({ items: await risk.challengerReport(request.query.from, request.query.to) }),
    );

    const policySchema = z
      .object({
        incomeFloor: z.string().max(30),
        platformOutstandingMax: z.string().max(30),
        totalOutstandingMax: z.string().max(30),
        maxAnnualRate: z.string().max(12),
        twoOfficersAbove: z.string().max(30),
      })
      .strict();

    app.get(
      '/policy',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Caps, floors and limits the graph reads',
          response: { 200: policySchema, ...errors },
        },
      },
      async () => risk.settings.policy(),
    );

    app.put(
      '/policy',
      {
        config: { auth: { permission: 'risk:manage' } },
        schema: {
          tags: ['risk'],
          summary: 'Change the caps (audited)',
          body: policySchema,
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        await risk.settings.setPolicy(request.body, context(request));
        return reply.code(204).send();
      },
    );

    app.get(
      '/models',
      {
        config: { auth: { permission: 'risk:decide' } },
        schema: {
          tags: ['risk'],
          summary: 'Scorecard model versions',
          response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }), ...errors },
        },
      },
      async () => ({ items: json(await risk.models.list()) }),
    );

    app.post(
      '/models',
      {
        config: { auth: { permission: 'risk:manage' } },
        schema: {
          tags: ['risk'],
          summary:
            'Add a trained scorecard (the JSON of `netfin risk train --out`) as the next version of a name',
          description:
            'Graphs use it through a customNode of kind "scorecard" whose config names the model; decisions pin the newest version.',
          body: z
            .object({
              name: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
              model: z.record(z.string(), z.unknown()),
              metrics: z.record(z.string(), z.unknown()).optional(),
            })
            .strict(),
          response: { 201: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async (request, reply) => {
        const stored = await risk.models.add(
          request.body.name,
          request.body.model,
          request.body.metrics ?? null,
          context(request),
        );
        return reply.code(201).send(
          json({
            id: stored.id,
            name: stored.name,
            version: stored.version,
            variables: stored.model.variables.map((v) => v.name),
          }),
        );
      },
    );
  };
}
