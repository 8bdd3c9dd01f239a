import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { DataExportInfo, RetentionRule, RetentionRun } from '../../compliance/index.ts';
import { type PlainDate, parseDate } from '../../kernel/index.ts';
import { userIdOf } from '../auth.ts';
import { context } from './identity.ts';
import { anyObject, errors, idParams } from './lending-schemas.ts';

const dateText = z
  .string()
  .max(10)
  .refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const purposeParams = z.object({ purpose: z.string().regex(/^[a-z_]{1,40}$/) }).strict();
const kindParams = z.object({ kind: z.string().regex(/^[a-z_]{1,40}$/) }).strict();

const client = (request: FastifyRequest) => ({
  ip: request.ip,
  userAgent: (request.headers['user-agent'] ?? '').slice(0, 400) || null,
});

const consentRecordSchema = z.object({
  id: z.string(),
  purpose: z.string(),
  granted: z.boolean(),
  textVersion: z.string(),
  source: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  recordedAt: z.string(),
});
const consentsSchema = z.object({
  purposes: z.array(
    z.object({
      purpose: z.string(),
      granted: z.boolean(),
      recorded: z
        .boolean()
        .describe('False when the user has never said: not granted, except as below for the bureau.'),
      textVersion: z.string(),
      text: z.object({ zh: z.string(), en: z.string() }),
      changeable: z
        .boolean()
        .describe('False for what is accepted once at sign-up (the user agreement, the privacy policy).'),
      updatedAt: z.string().nullable(),
    }),
  ),
  history: z.array(consentRecordSchema),
});
const exportSchema = z.object({
  id: z.string(),
  userId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
const ruleSchema = z.object({
  kind: z.string(),
  action: z.string(),
  afterDays: z.number(),
  enabled: z.boolean(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
const runSchema = z.object({
  id: z.string(),
  businessDate: z.string(),
  kind: z.string(),
  action: z.string(),
  afterDays: z.number(),
  rowsAffected: z.number(),
  trigger: z.string(),
  ranBy: z.string(),
  ranAt: z.string(),
});

const exportJson = (e: DataExportInfo) => ({
  id: e.id,
  userId: e.userId,
  createdAt: e.createdAt.toISOString(),
  expiresAt: e.expiresAt.toISOString(),
});
const ruleJson = (r: RetentionRule) => ({ ...r, updatedAt: r.updatedAt.toISOString() });
const runJson = (r: RetentionRun) => ({ ...r, ranAt: r.ranAt.toISOString() });

/** Data protection: consents, a user's data export, retention rules and their runs. */
export function privacyRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { privacy } = platform.compliance;
  const consentsJson = async (userId: string) => {
    const c = await privacy.consents(userId);
    return {
      purposes: c.purposes.map((p) => ({ ...p, updatedAt: p.updatedAt?.toISOString() ?? null })),
      history: c.history.map((h) => ({
        id: h.id,
        purpose: h.purpose,
        granted: h.granted,
        textVersion: h.textVersion,
        source: h.source,
        ip: h.ip,
        userAgent: h.userAgent,
        recordedAt: h.recordedAt.toISOString(),
      })),
    };
  };
  const download = (name: string) => `attachment; filename="netfin-data-export-${name}"`;

  // A customer's whole data export is personal data in full: a staff member reading one is audited.
  const readAudited = (request: FastifyRequest, exportId: string, format: 'json' | 'csv') =>
    platform.identity.audit(context(request), {
      action: 'privacy.data_export_read',
      subjectType: 'data_export',
      subjectId: exportId,
      details: { format },
    });
  return async (app) => {
    // A user's own consents --------------------------------------------------------------------
    app.get(
      '/me/consents',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['privacy'],
          summary:
            'My consents (marketing, credit bureau): the text of each, whether granted, and every change',
          response: { 200: consentsSchema, ...errors },
        },
      },
      async (request) => consentsJson(userIdOf(request)),
    );
    app.put(
      '/me/consents/:purpose',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['privacy'],
          summary:
            'Grant or withdraw a consent: a new record (time, address, user agent, text version); history is kept',
          params: purposeParams,
          body: z.object({ granted: z.boolean() }).strict(),
          response: { 200: consentsSchema, ...errors },
        },
      },
      async (request) => {
        const userId = userIdOf(request);
        await privacy.setConsent(
          userId,
          request.params.purpose,
          request.body.granted,
          client(request),
          context(request),
        );
        return consentsJson(userId);
      },
    );

    // A user's own data exports ----------------------------------------------------------------
    app.post(
      '/me/data-exports',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['privacy'],
          summary: 'Export my data: built now, downloadable as JSON or CSV for 7 days',
          response: { 201: exportSchema, ...errors },
        },
      },
      async (request, reply) => {
        const built = await privacy.requestExport(userIdOf(request), context(request));
        return reply.code(201).send(exportJson(built));
      },
    );
    app.get(
      '/me/data-exports',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['privacy'],
          summary: 'My data exports not yet expired, newest first',
          response: { 200: z.object({ items: z.array(exportSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await privacy.exportsOf(userIdOf(request))).map(exportJson) }),
    );
    app.get(
      '/me/data-exports/:id.json',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['privacy'],
          summary: 'My data export as one JSON document (amounts as yuan strings)',
          params: idParams.strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request, reply) => {
        const document = await privacy.exportDocument(request.params.id, userIdOf(request));
        return reply.header('content-disposition', download(`${request.params.id}.json`)).send(document);
      },
    );
    app.get(
      '/me/data-exports/:id.csv',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['privacy'],
          summary: 'My data export as CSV: one table per section, each headed by "# section"',
          params: idParams.strict(),
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', download(`${request.params.id}.csv`))
          .send(await privacy.exportCsv(request.params.id, userIdOf(request))),
    );

    // Staff -----------------------------------------------------------------------------------
    app.post(
      '/privacy/users/:id/data-exports',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary: "Build a customer's data export on their behalf (audited)",
          params: idParams.strict(),
          response: { 201: exportSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(exportJson(await privacy.requestExport(request.params.id, context(request)))),
    );
    app.get(
      '/privacy/data-exports/:id.json',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary: 'A data export as JSON (staff)',
          params: idParams.strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const document = await privacy.exportDocument(request.params.id);
        await readAudited(request, request.params.id, 'json');
        return document;
      },
    );
    app.get(
      '/privacy/data-exports/:id.csv',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary: 'A data export as CSV (staff)',
          params: idParams.strict(),
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) => {
        const csv = await privacy.exportCsv(request.params.id);
        await readAudited(request, request.params.id, 'csv');
        return reply.type('text/csv; charset=utf-8').send(csv);
      },
    );
    app.get(
      '/privacy/users/:id/consents',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary: "A customer's consents and their history",
          params: idParams.strict(),
          response: { 200: consentsSchema, ...errors },
        },
      },
      async (request) => consentsJson(request.params.id),
    );
    app.post(
      '/privacy/users/:id/close',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary:
            "Close a customer's account: no more sign-ins; its personal data is anonymised when the closed_accounts rule's age has passed",
          params: idParams.strict(),
          response: { 200: z.object({ closedAt: z.string() }), ...errors },
        },
      },
      async (request) => {
        const closed = await privacy.closeAccount(request.params.id, context(request));
        return { closedAt: closed.closedAt.toISOString() };
      },
    );
    app.get(
      '/privacy/retention/rules',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary: 'The retention rules: per kind of data, the age after which it is deleted or anonymised',
          response: { 200: z.object({ items: z.array(ruleSchema) }), ...errors },
        },
      },
      async () => ({ items: (await privacy.rules()).map(ruleJson) }),
    );
    app.put(
      '/privacy/retention/rules/:kind',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary: 'Change a retention rule’s age or switch it off (audited)',
          params: kindParams,
          body: z
            .object({
              afterDays: z.number().int().min(1).max(36500).optional(),
              enabled: z.boolean().optional(),
            })
            .strict(),
          response: { 200: ruleSchema, ...errors },
        },
      },
      async (request) => ruleJson(await privacy.setRule(request.params.kind, request.body, context(request))),
    );
    app.get(
      '/privacy/retention/runs',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary: 'The latest applications of the retention rules (day-close and manual), newest first',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
          response: { 200: z.object({ items: z.array(runSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await privacy.runs(request.query.limit)).map(runJson) }),
    );
    app.post(
      '/privacy/retention/run',
      {
        config: { auth: { permission: 'privacy:manage' } },
        schema: {
          tags: ['privacy'],
          summary: 'Apply every enabled retention rule as of a business date (catch-up; audited)',
          body: z.object({ date: dateText }).strict(),
          response: { 200: z.object({ items: z.array(runSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await privacy.runRetention(request.body.date as PlainDate, context(request))).map(runJson),
      }),
    );
  };
}
