import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { CONTRACT_KINDS, CONTRACT_LANGUAGES } from '../../compliance/contracts/model.ts';
import { REVIEW_STATUSES } from '../../compliance/contracts/queries.ts';
import { templateBodySchema } from '../../compliance/contracts/template-format.ts';
import { TEMPLATE_STATUSES } from '../../compliance/contracts/templates.ts';
import { PHONE_PATTERN } from '../../identity/index.ts';
import { invalid, parseDate } from '../../kernel/index.ts';
import { context } from './identity.ts';
import { errors as baseErrors } from './lending-schemas.ts';

const errors = { ...baseErrors, 413: baseErrors[400], 415: baseErrors[400] };
const MAX_PDF_BYTES = 5 * 1024 * 1024;
const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};
const idParams = z.object({ id: z.uuid() });
const anyObject = z.record(z.string(), z.unknown());
const documentSchema = z.object({ language: z.enum(CONTRACT_LANGUAGES), sha256: z.string() });
const summarySchema = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.enum(CONTRACT_KINDS),
  subjectType: z.string(),
  subjectId: z.string(),
  signedAt: z.string(),
  businessDate: z.string(),
  reviewStatus: z.enum(REVIEW_STATUSES),
  documents: z.array(documentSchema),
});
const verifyAnswer = z.object({
  match: z.boolean(),
  sha256: z.string(),
  contractId: z.string().optional().describe('Only to the contract’s parties and to staff.'),
  number: z.string().optional(),
  language: z.enum(CONTRACT_LANGUAGES).optional(),
  signedAt: z.string().optional(),
  kind: z.enum(CONTRACT_KINDS).optional(),
});
const templateInput = {
  title: z.string().trim().min(1).max(200),
  body: templateBodySchema,
};

type Dated = { signedAt: Date; documents: readonly { language: 'zh' | 'en'; sha256: string }[] };
const summaryJson = <T extends Dated>(c: T) => ({
  ...c,
  signedAt: c.signedAt.toISOString(),
  documents: [...c.documents],
});
/** Dates as ISO strings, throughout a read model. */
const jsonOf = (value: unknown): Record<string, unknown> =>
  JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));

const verifyJson = (answer: Awaited<ReturnType<Platform['compliance']['contracts']['verify']>>) =>
  answer.match ? { ...answer, signedAt: answer.signedAt.toISOString() } : answer;

/** Contracts: templates, signed PDFs, acceptances, verification, search and the legal review queue. */
export function contractRoutes(platform: Platform): FastifyPluginAsyncZod {
  const contracts = platform.compliance.contracts;
  const templates = contracts.templates;
  return async (app) => {
    // A PDF sent for verification arrives as raw bytes, in this plugin only; the idempotency hash
    // covers its digest, as it covers a JSON body's text.
    app.addContentTypeParser(
      'application/pdf',
      { parseAs: 'buffer', bodyLimit: MAX_PDF_BYTES },
      (request, body, done) => {
        request.rawBody = `application/pdf ${(body as Buffer).toString('base64')}`;
        done(null, body);
      },
    );
    const signedIn = { auth: 'signed_in' as const };
    const read = { auth: { permission: 'contracts:read' as const } };
    const manage = { auth: { permission: 'contracts:manage' as const } };

    app.get(
      '/me/contracts',
      {
        config: signedIn,
        schema: {
          tags: ['contracts'],
          summary: 'My contracts, newest first, with my role in each and the SHA-256 of each document',
          querystring: z.object(page).strict(),
          response: {
            200: z.object({ items: z.array(summarySchema.extend({ roles: z.array(z.string()) })) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const userId = request.principal.userId;
        if (!userId) return { items: [] };
        return { items: (await contracts.mine(userId, request.query)).map(summaryJson) };
      },
    );

    app.get(
      '/contracts',
      {
        config: read,
        schema: {
          tags: ['contracts'],
          summary:
            'Find contracts by party (user id or phone), subject (a loan id), kind, date or review status',
          querystring: z
            .object({
              userId: z.uuid().optional(),
              phone: z.string().regex(PHONE_PATTERN).optional(),
              subjectId: z.uuid().optional(),
              kind: z.enum(CONTRACT_KINDS).optional(),
              from: dateText.optional(),
              to: dateText.optional(),
              reviewStatus: z.enum(REVIEW_STATUSES).optional(),
              ...page,
            })
            .strict(),
          response: { 200: z.object({ items: z.array(summarySchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await contracts.search(request.query)).map(summaryJson) }),
    );

    app.get(
      '/contracts/verify',
      {
        config: signedIn,
        schema: {
          tags: ['contracts'],
          summary: 'Is this SHA-256 the hash of a contract document netfin stored?',
          querystring: z.object({ sha256: z.string().regex(/^[0-9a-fA-F]{64}$/) }).strict(),
          response: { 200: verifyAnswer, ...errors },
        },
      },
      async (request) =>
        verifyJson(await contracts.verify({ sha256: request.query.sha256 }, request.principal)),
    );

    app.post(
      '/contracts/verify',
      {
        config: signedIn,
        schema: {
          tags: ['contracts'],
          summary:
            'Is this PDF (the raw bytes, Content-Type application/pdf, at most 5 MB) a contract netfin stored?',
          response: { 200: verifyAnswer, ...errors },
        },
      },
      async (request) => {
        if (!Buffer.isBuffer(request.body) || request.body.length === 0)
          throw invalid(
            'pdf_body_required',
            'send the PDF itself as the body, with Content-Type application/pdf',
          );
        return verifyJson(await contracts.verify({ bytes: new Uint8Array(request.body) }, request.principal));
      },
    );

    app.get(
      '/contracts/:id',
      {
        config: signedIn,
        schema: {
          tags: ['contracts'],
          summary:
            'A contract: terms, parties (masked), digest, documents, acceptances, review (parties and staff)',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const view = await contracts.get(request.params.id, request.principal);
        const { documentDetails, ...rest } = view;
        return jsonOf({ ...rest, documents: documentDetails });
      },
    );

    app.get(
      '/contracts/:id/pdf',
      {
        config: signedIn,
        schema: {
          tags: ['contracts'],
          summary: 'The signed contract as PDF, Chinese (governing) or English (staff reads are audited)',
          params: idParams,
          querystring: z.object({ language: z.enum(CONTRACT_LANGUAGES).default('zh') }).strict(),
          response: { 200: z.any(), ...errors },
        },
      },
      async (request, reply) => {
        const { bytes, number } = await contracts.pdf(
          request.params.id,
          request.query.language,
          context(request),
        );
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${number}-${request.query.language}.pdf"`)
          .send(Buffer.from(bytes));
      },
    );

    app.get(
      '/contract-reviews',
      {
        config: manage,
        schema: {
          tags: ['contracts'],
          summary: 'The legal review queue: contracts with deviations, pending first',
          querystring: z.object({ status: z.enum(REVIEW_STATUSES).optional(), ...page }).strict(),
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => ({ items: (await contracts.reviews(request.query)).map((r) => jsonOf(r)) }),
    );

    app.post(
      '/contracts/:id/review',
      {
        config: manage,
        schema: {
          tags: ['contracts'],
          summary: 'Decide a pending review: the deviations accepted, or to be remediated (audited)',
          params: idParams,
          body: z
            .object({ decision: z.enum(['accepted', 'remediate']), note: z.string().trim().min(1).max(2000) })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const { documentDetails, ...rest } = await contracts.review(
          request.params.id,
          request.body,
          context(request),
        );
        return jsonOf({ ...rest, documents: documentDetails });
      },
    );

    app.get(
      '/contract-templates',
      {
        config: read,
        schema: {
          tags: ['contracts'],
          summary: 'Contract templates, every version, by kind and language',
          querystring: z
            .object({
              kind: z.enum(CONTRACT_KINDS).optional(),
              language: z.enum(CONTRACT_LANGUAGES).optional(),
              status: z.enum(TEMPLATE_STATUSES).optional(),
            })
            .strict(),
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => ({ items: (await templates.list(request.query)).map((t) => jsonOf(t)) }),
    );

    app.get(
      '/contract-templates/:id',
      {
        config: read,
        schema: {
          tags: ['contracts'],
          summary: 'A contract template version with its body',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => jsonOf(await templates.get(request.params.id)),
    );

    app.post(
      '/contract-templates',
      {
        config: manage,
        schema: {
          tags: ['contracts'],
          summary: 'A new draft: the next version of its kind and language, optionally copied from a version',
          body: z
            .object({
              kind: z.enum(CONTRACT_KINDS).optional(),
              language: z.enum(CONTRACT_LANGUAGES).optional(),
              copyFrom: z.uuid().optional(),
              title: templateInput.title.optional(),
              body: templateInput.body.optional(),
            })
            .strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(jsonOf(await templates.createDraft(request.body, context(request)))),
    );

    app.put(
      '/contract-templates/:id',
      {
        config: manage,
        schema: {
          tags: ['contracts'],
          summary: 'Edit a draft (an approved or retired version never changes: 409 template_not_draft)',
          params: idParams,
          body: z
            .object({ title: templateInput.title.optional(), body: templateInput.body.optional() })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => jsonOf(await templates.update(request.params.id, request.body, context(request))),
    );

    app.post(
      '/contract-templates/:id/approve',
      {
        config: manage,
        schema: {
          tags: ['contracts'],
          summary:
            'Approve a draft (not its author: 409 second_approver_required); retires the version before',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => jsonOf(await templates.approve(request.params.id, context(request))),
    );

    app.post(
      '/contract-templates/:id/retire',
      {
        config: manage,
        schema: {
          tags: ['contracts'],
          summary:
            'Retire a version (an approved one leaves its kind and language without one until the next)',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => jsonOf(await templates.retire(request.params.id, context(request))),
    );

    app.post(
      '/contract-templates/:id/preview',
      {
        config: manage,
        schema: {
          tags: ['contracts'],
          summary: 'The template rendered as PDF with sample data',
          params: idParams,
          response: { 200: z.any(), ...errors },
        },
      },
      async (request, reply) =>
        reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="template-${request.params.id}.pdf"`)
          .send(Buffer.from(await contracts.preview(request.params.id))),
    );
  };
}
