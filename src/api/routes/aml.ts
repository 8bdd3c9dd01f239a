import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { AmlAlert, AmlCase, CaseNote } from '../../compliance/aml/cases.ts';
import type { RuleSet } from '../../compliance/aml/rule-sets.ts';
import { CNY, formatAmount, type PlainDate, parseDate, ruleViolation } from '../../kernel/index.ts';
import { context } from './identity.ts';
import { anyObject, errors, idParams, limitQuery } from './lending-schemas.ts';

const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const STATUSES = ['open', 'monitoring', 'dismissed', 'reported'] as const;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function caseJson(c: AmlCase) {
  return {
    ...c,
    decidedAt: iso(c.decidedAt),
    reportProposedAt: iso(c.reportProposedAt),
    reportApprovedAt: iso(c.reportApprovedAt),
    openedAt: c.openedAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Evidence amounts are stored in cents; the API speaks yuan, as everywhere else. */
function alertJson(a: AmlAlert) {
  return {
    ...a,
    createdAt: a.createdAt.toISOString(),
    evidence: {
      ...a.evidence,
      transactions: (a.evidence.transactions ?? []).map((t) => ({
        ...t,
        amount: { amount: formatAmount(BigInt(t.amount), CNY), currency: 'CNY' },
      })),
    },
  };
}

const noteJson = (n: CaseNote) => ({ ...n, createdAt: n.createdAt.toISOString() });

const ruleSetJson = (r: RuleSet) => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  publishedAt: iso(r.publishedAt),
  retiredAt: iso(r.retiredAt),
});

/** Anti-money-laundering: rules, alerts, cases and reports. */
export function amlRoutes(platform: Platform): FastifyPluginAsyncZod {
  const aml = platform.compliance.aml;
  const work = { auth: { permission: 'aml:work' as const } };
  const manage = { auth: { permission: 'aml:manage' as const } };
  return async (app) => {
    app.get(
      '/aml/alerts',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary: 'Alerts, newest first: the rule that fired, the facts and the evidence',
          querystring: limitQuery.extend({ caseId: z.uuid().optional() }).strict(),
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => ({ items: (await aml.cases.alerts(request.query)).map(alertJson) }),
    );

    app.get(
      '/aml/cases',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary: 'The case queue, most recently active first',
          querystring: limitQuery.extend({ status: z.enum(STATUSES).optional() }).strict(),
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => ({ items: (await aml.listCases(request.query)).map(caseJson) }),
    );

    app.get(
      '/aml/cases/:id',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary:
            'A case: the customer’s portrait, the alerts with their evidence, the notes and the decision',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const { amlCase, alerts, notes } = await aml.caseDetail(request.params.id);
        return { ...caseJson(amlCase), alerts: alerts.map(alertJson), notes: notes.map(noteJson) };
      },
    );

    app.post(
      '/aml/cases/:id/notes',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary: 'Add a note to a case (notes are never changed or removed)',
          params: idParams,
          body: z.object({ body: z.string().min(1).max(4000) }).strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(noteJson(await aml.cases.addNote(request.params.id, request.body.body, context(request)))),
    );

    app.post(
      '/aml/cases/:id/assign',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary: 'Assign a case to a compliance officer (yourself when no one is named)',
          params: idParams,
          body: z.object({ assignee: z.uuid().optional() }).strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const assignee = request.body.assignee ?? request.principal.userId;
        if (!assignee) throw ruleViolation('assignee_required', 'name the officer to assign');
        return caseJson(await aml.assign(request.params.id, assignee, context(request)));
      },
    );

    app.post(
      '/aml/cases/:id/decision',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary:
            'Decide a case: dismiss or monitor (with a reason), or propose a report, which another officer approves',
          params: idParams,
          body: z
            .object({
              decision: z.enum(['dismiss', 'monitor', 'report']),
              reason: z.string().min(3).max(2000),
            })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => caseJson(await aml.decide(request.params.id, request.body, context(request))),
    );

    app.post(
      '/aml/cases/:id/approve-report',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary: 'Approve a proposed report: a different officer from the one who proposed it',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => caseJson(await aml.approveReport(request.params.id, context(request))),
    );

    app.post(
      '/aml/cases/:id/reject-report',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary:
            'Refuse a proposed report (a different officer from the one who proposed it): the case is back in work',
          params: idParams,
          body: z.object({ reason: z.string().min(3).max(2000) }).strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        caseJson(await aml.rejectReport(request.params.id, request.body.reason, context(request))),
    );

    app.get(
      '/aml/cases/:id/report.csv',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary: 'The suspicious-transaction report as CSV (UTF-8 with BOM; identity in clear; audited)',
          params: idParams,
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="str-${request.params.id}.csv"`)
          .send(await aml.reportCsv(request.params.id, context(request))),
    );

    app.get(
      '/aml/cases/:id/report.pdf',
      {
        config: work,
        schema: {
          tags: ['aml'],
          summary: 'The suspicious-transaction report as PDF (audited)',
          params: idParams,
          response: { 200: z.any(), ...errors },
        },
      },
      async (request, reply) =>
        reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="str-${request.params.id}.pdf"`)
          .send(Buffer.from(await aml.reportPdf(request.params.id, context(request)))),
    );

    app.get(
      '/aml/rule-sets',
      {
        config: manage,
        schema: {
          tags: ['aml'],
          summary: 'AML rule set versions, newest first, with their decision tables',
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async () => ({ items: (await aml.ruleSets()).map(ruleSetJson) }),
    );

    app.post(
      '/aml/rule-sets',
      {
        config: manage,
        schema: {
          tags: ['aml'],
          summary: 'Create a draft: the JDM content given, or a copy of the rules in force',
          body: z
            .object({ content: anyObject.optional(), description: z.string().max(200).optional() })
            .strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(ruleSetJson(await aml.createRuleSet(request.body, context(request)))),
    );

    app.put(
      '/aml/rule-sets/:id',
      {
        config: manage,
        schema: {
          tags: ['aml'],
          summary: 'Edit a draft’s decision table',
          params: idParams,
          body: z.object({ content: anyObject, description: z.string().max(200).optional() }).strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        ruleSetJson(await aml.rules.updateDraft(request.params.id, request.body, context(request))),
    );

    app.post(
      '/aml/rule-sets/:id/publish',
      {
        config: manage,
        schema: {
          tags: ['aml'],
          summary: 'Validate and publish a draft: it is in force at once, and the version before is retired',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => ruleSetJson(await aml.rules.publish(request.params.id, context(request))),
    );

    app.post(
      '/aml/scan',
      {
        config: manage,
        schema: {
          tags: ['aml'],
          summary: 'Scan one business date now (catch-up); day-close does this every day',
          body: z.object({ date: dateText }).strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const result = await aml.scanOnDemand(request.body.date as PlainDate, context(request));
        return { ...result, opened: [...result.opened] };
      },
    );
  };
}
