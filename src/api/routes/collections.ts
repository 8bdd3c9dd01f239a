import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { CHANNELS, OUTCOMES, STAGES, TIERS } from '../../collections/index.ts';
import { allows, RELATIONS } from '../../identity/index.ts';
import {
  addDays,
  CNY,
  DomainError,
  formatAmount,
  type PlainDate,
  parseAmount,
  parseDate,
} from '../../kernel/index.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import { context } from './identity.ts';
import { errors, idParams, limitQuery, toJson } from './lending-schemas.ts';

const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const anyJson = z.record(z.string(), z.unknown());

/** The collections workbench (collectors, supervisors) and a borrower's registered contacts. */
export function collectionRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { collections, identity } = platform;
  return async (app) => {
    app.get(
      '/collections/cases',
      {
        config: { auth: { permission: 'collections:work' } },
        schema: {
          tags: ['collections'],
          summary:
            'Cases in priority order (broken promises first, then amount overdue × days), of loans and of credit lines (subject.kind). A collector sees their own queue; a supervisor any, or all',
          querystring: limitQuery.extend({
            assignee: z
              .union([z.uuid(), z.literal('me'), z.literal('unassigned'), z.literal('all')])
              .default('me'),
            stage: z.enum(STAGES).optional(),
            subject: z.enum(['loan', 'credit_line']).optional(),
            status: z.enum(['open', 'closed']).default('open'),
            offset: z.coerce.number().int().min(0).max(100_000).default(0),
          }),
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const supervisor = allows(request.principal.roles, 'collections:supervise');
        const me = request.principal.userId;
        let assignedTo: string | undefined;
        if (q.assignee === 'me') assignedTo = userIdOf(request);
        else if (q.assignee !== 'all' && q.assignee !== 'unassigned') assignedTo = q.assignee;
        if (!supervisor && assignedTo !== me)
          throw new DomainError('supervisor_only', 'forbidden', 'only a supervisor sees other queues');
        const items = await collections.cases({
          ...(assignedTo ? { assignedTo } : {}),
          unassigned: q.assignee === 'unassigned',
          ...(q.stage ? { stage: q.stage } : {}),
          ...(q.subject ? { subject: q.subject } : {}),
          status: q.status,
          limit: q.limit,
          offset: q.offset,
        });
        return { items: items.map((c) => toJson(c) as Record<string, unknown>) };
      },
    );
    app.get(
      '/collections/summary',
      {
        config: { auth: { permission: 'collections:work' } },
        schema: {
          tags: ['collections'],
          summary:
            "The dashboard's figures for the business date: open cases by stage, promises due today, the promise-kept rate over 30 days, cases contacted today. A collector's own (scope=me); a supervisor's team (scope=team)",
          querystring: z.object({ scope: z.enum(['me', 'team']).default('me') }).strict(),
          response: {
            200: z.object({
              businessDate: z.string(),
              scope: z.enum(['me', 'team']),
              openCases: z.array(
                z.object({ stage: z.string(), count: z.number(), overdueAmount: moneyResponseSchema }),
              ),
              promisesDueToday: z.object({ count: z.number(), amount: moneyResponseSchema }),
              promises30d: z.object({
                kept: z.number(),
                broken: z.number(),
                keptRate: z.string().nullable(),
              }),
              casesTouchedToday: z.number(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const scope = request.query.scope;
        if (scope === 'team' && !allows(request.principal.roles, 'collections:supervise'))
          throw new DomainError('supervisor_only', 'forbidden', "only a supervisor sees the team's figures");
        const s = await collections.summary(scope === 'team' ? null : userIdOf(request));
        const cnyOf = (minor: bigint) => ({ amount: formatAmount(minor, CNY), currency: 'CNY' });
        return {
          businessDate: s.businessDate,
          scope,
          openCases: s.openCases.map((c) => ({
            stage: c.stage,
            count: c.count,
            overdueAmount: cnyOf(c.overdueAmount),
          })),
          promisesDueToday: { count: s.promisesDueToday.count, amount: cnyOf(s.promisesDueToday.amount) },
          promises30d: s.promises30d,
          casesTouchedToday: s.casesTouchedToday,
        };
      },
    );
    app.get(
      '/collections/cases/:id',
      {
        config: { auth: { permission: 'collections:work' } },
        schema: {
          tags: ['collections'],
          summary:
            'A case: the borrower (masked unless you may read personal data), the loan and schedule or the credit line, contacts and promises',
          params: idParams,
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => {
        const roles = request.principal.roles;
        const detail = await collections.caseDetail(request.params.id, {
          userId: request.principal.userId ?? '',
          supervisor: allows(roles, 'collections:supervise'),
          unmasked: allows(roles, 'pii:read'),
        });
        return toJson(detail) as Record<string, unknown>;
      },
    );
    app.post(
      '/collections/cases/:id/contacts',
      {
        config: { auth: { permission: 'collections:work' } },
        schema: {
          tags: ['collections'],
          summary:
            'Log a contact attempt (phone, SMS from an approved template, letter, visit) and its outcome; a promise to pay carries an amount and a date. Conduct rules refuse contacts outside 08:00-21:00 local time, beyond the daily limit, or with anyone but the borrower and their registered contacts. The outcome of a call placed today names it (callId) and counts with it as one contact',
          params: idParams,
          body: z
            .object({
              channel: z.enum(CHANNELS),
              party: z.string().min(1).max(64).default('borrower'),
              outcome: z.enum(OUTCOMES),
              note: z.string().max(2000).optional(),
              template: z.string().max(40).optional(),
              promise: z.object({ amount: moneySchema(), date: dateText }).strict().optional(),
              callId: z
                .uuid()
                .optional()
                .describe(
                  'The call (POST /v1/collections/cases/{id}/calls) this is the outcome of, placed today: the call and its outcome count as one contact toward the daily limit, and a call has one outcome.',
                ),
            })
            .strict(),
          response: { 201: anyJson, ...errors },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const promise = b.promise
          ? {
              amount: (parseAmount(b.promise.amount.amount, CNY) as { ok: true; value: bigint }).value,
              date: b.promise.date as PlainDate,
            }
          : undefined;
        const result = await collections.logContact(
          request.params.id,
          { userId: userIdOf(request), supervisor: allows(request.principal.roles, 'collections:supervise') },
          {
            channel: b.channel,
            party: b.party,
            outcome: b.outcome,
            note: b.note,
            template: b.template,
            promise,
            callId: b.callId,
          },
          context(request),
        );
        return reply.code(201).send(toJson(result) as Record<string, unknown>);
      },
    );
    app.post(
      '/collections/cases/:id/calls',
      {
        config: { auth: { permission: 'collections:work' } },
        schema: {
          tags: ['collections'],
          summary:
            'Call the borrower or one of their registered contacts: the attempt is logged as a phone contact (outcome dialled) under the conduct rules, and the answer is what a softphone needs: a call reference and the number, masked (the full number never leaves the server). Its outcome is logged as a contact naming the call (callId), and the two count as one contact',
          params: idParams,
          body: z
            .object({
              target: z
                .string()
                .min(1)
                .max(64)
                .describe('"borrower", or the id of a contact the borrower registered.'),
            })
            .strict(),
          response: {
            201: z.object({
              id: z.string(),
              caseId: z.string(),
              party: z.string(),
              maskedNumber: z.string().nullable(),
              reference: z.string(),
              at: z.string(),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const call = await collections.placeCall(
          request.params.id,
          { userId: userIdOf(request), supervisor: allows(request.principal.roles, 'collections:supervise') },
          request.body.target,
          context(request),
        );
        return reply.code(201).send({ ...call, at: call.at.toISOString() });
      },
    );
    app.post(
      '/collections/cases/:id/assign',
      {
        config: { auth: { permission: 'collections:supervise' } },
        schema: {
          tags: ['collections'],
          summary: 'Assign a case to a collector (supervisor)',
          params: idParams,
          body: z.object({ collectorId: z.uuid() }).strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) =>
        toJson(
          await collections.assign(request.params.id, request.body.collectorId, context(request)),
        ) as Record<string, unknown>,
    );
    app.get(
      '/collections/collectors',
      {
        config: { auth: { permission: 'collections:supervise' } },
        schema: {
          tags: ['collections'],
          summary: 'Collectors with their tier, region and open cases',
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async () => ({ items: (await collections.collectors()).map((c) => ({ ...c })) }),
    );
    app.put(
      '/collections/collectors/:id',
      {
        config: { auth: { permission: 'collections:supervise' } },
        schema: {
          tags: ['collections'],
          summary:
            'Make a user with the collector role a collector of a tier (junior: M1, senior: M2, agency: M3, legal: M3+)',
          params: idParams,
          body: z
            .object({
              tier: z.enum(TIERS),
              region: z
                .string()
                .regex(/^[0-9]{2}$/)
                .nullable()
                .optional(),
              active: z.boolean().optional(),
            })
            .strict(),
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => ({
        ...(await collections.saveCollector(
          {
            userId: request.params.id,
            tier: request.body.tier,
            ...(request.body.region !== undefined ? { region: request.body.region } : {}),
            ...(request.body.active !== undefined ? { active: request.body.active } : {}),
          },
          context(request),
        )),
      }),
    );
    app.get(
      '/collections/settings',
      {
        config: { auth: { permission: 'collections:supervise' } },
        schema: {
          tags: ['collections'],
          summary: 'Strategy per stage, reminders, assignment rule, conduct rules and approved SMS templates',
          response: { 200: anyJson, ...errors },
        },
      },
      async () => ({ ...(await collections.settings()) }),
    );
    app.put(
      '/collections/settings',
      {
        config: { auth: { permission: 'collections:supervise' } },
        schema: {
          tags: ['collections'],
          summary: 'Replace the collections settings (validated as a whole)',
          body: anyJson,
          response: { 200: anyJson, ...errors },
        },
      },
      async (request) => ({ ...(await collections.saveSettings(request.body, context(request))) }),
    );
    app.get(
      '/collections/analysis',
      {
        config: { auth: { permission: 'collections:supervise' } },
        schema: {
          tags: ['collections'],
          summary:
            'Roll rates, recovery by bucket and month, promise-kept rate, collectors’ results, overdue by region and product; ?format=csv for a spreadsheet',
          querystring: z.object({
            from: dateText.optional(),
            to: dateText.optional(),
            format: z.enum(['json', 'csv']).default('json'),
          }),
          response: { 200: z.union([anyJson, z.string()]), ...errors },
        },
      },
      async (request, reply) => {
        const to = (request.query.to ?? platform.clock.businessDate()) as PlainDate;
        const from = (request.query.from ?? addDays(to, -90)) as PlainDate;
        if (request.query.format === 'csv')
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="collections-${from}-${to}.csv"`)
            .send(await collections.analysisCsv({ from, to }));
        return toJson(await collections.analysis({ from, to })) as Record<string, unknown>;
      },
    );

    // A borrower's registered contacts ---------------------------------------------------------
    app.get(
      '/me/contacts',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'The contacts you registered (collections may reach only them)',
          response: { 200: z.object({ items: z.array(anyJson) }), ...errors },
        },
      },
      async (request) => ({
        items: (await identity.contacts.list(userIdOf(request), { unmasked: true })).map(
          (c) => toJson(c) as Record<string, unknown>,
        ),
      }),
    );
    app.post(
      '/me/contacts',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Register a contact (at most 5)',
          body: z
            .object({
              name: z.string().min(1).max(40),
              relation: z.enum(RELATIONS),
              phone: z.string().max(20),
            })
            .strict(),
          response: { 201: anyJson, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            toJson(await identity.contacts.add(userIdOf(request), request.body)) as Record<string, unknown>,
          ),
    );
    app.delete(
      '/me/contacts/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Remove a contact',
          params: idParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await identity.contacts.remove(userIdOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
