import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { MatchView, WatchListView } from '../../compliance/screening/service.ts';
import { context } from './identity.ts';
import { errors } from './lending-schemas.ts';

/** A watch list's CSV may be larger than an ordinary request. */
const LIST_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

const versionSchema = z.object({
  id: z.string(),
  version: z.number(),
  entryCount: z.number(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
  rescreenedAt: z.string().nullable(),
});
const listSchema = z
  .object({ id: z.string(), name: z.string(), currentVersion: z.number(), versions: z.array(versionSchema) })
  .meta({ id: 'WatchList' });
const entrySchema = z.object({
  id: z.string(),
  line: z.number(),
  name: z.string(),
  aliases: z.array(z.string()),
  idNumberMasked: z.string().nullable(),
  birthDate: z.string().nullable(),
  source: z.string().nullable(),
  reason: z.string().nullable(),
});
const matchSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    customerName: z.string().nullable().describe('The verified name, masked.'),
    list: z.object({ id: z.string(), name: z.string(), version: z.number() }),
    entry: entrySchema,
    score: z.string().describe('0 to 1, four decimals; 1 for the same identity number or the same name.'),
    why: z.object({
      basis: z.enum(['id_number', 'han', 'homophone', 'pinyin', 'latin']),
      customerForm: z.string(),
      entryForm: z.string(),
      similarity: z.number(),
      score: z.number(),
      entryName: z.string(),
    }),
    trigger: z.enum(['kyc', 'list_upload', 'rescreen']),
    status: z.enum(['open', 'confirmed', 'false_positive']),
    decisionReason: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'ScreeningMatch' });

const listJson = (l: WatchListView) => ({
  ...l,
  versions: l.versions.map((v) => ({
    ...v,
    uploadedAt: v.uploadedAt.toISOString(),
    rescreenedAt: v.rescreenedAt?.toISOString() ?? null,
  })),
});
const matchJson = (m: MatchView) => ({
  ...m,
  entry: { ...m.entry, aliases: [...m.entry.aliases] },
  decidedAt: m.decidedAt?.toISOString() ?? null,
  createdAt: m.createdAt.toISOString(),
});
const listName = z.string().trim().min(1).max(100);
const readers = { auth: { permission: 'aml:work' } } as const;
const managers = { auth: { permission: 'aml:manage' } } as const;

/** Watch lists and name screening: lists (aml:manage uploads; aml:work reads) and the match queue (aml:work). */
export function screeningRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { screening } = platform.compliance;
  return async (app) => {
    app.get(
      '/screening/lists',
      {
        config: readers,
        schema: {
          tags: ['screening'],
          summary: 'Watch lists and their versions, latest first',
          response: { 200: z.object({ items: z.array(listSchema) }), ...errors },
        },
      },
      async () => ({ items: (await screening.lists()).map(listJson) }),
    );

    app.post(
      '/screening/lists',
      {
        config: managers,
        bodyLimit: LIST_BODY_LIMIT_BYTES,
        schema: {
          tags: ['screening'],
          summary:
            'Upload a watch list’s CSV (UTF-8; header name,aliases,id_number,birth_date,source,reason; aliases separated by ";") as the list’s next version; every verified customer is then re-screened against it. A bad row: 422 watch_list_row_invalid with its line, nothing stored',
          body: z
            .object({
              list: listName.describe(
                'The list’s name; an upload under an existing name is its next version.',
              ),
              csv: z.string().min(1).max(LIST_BODY_LIMIT_BYTES),
            })
            .strict(),
          response: { 201: listSchema, ...errors },
        },
      },
      async (request, reply) => {
        const list = await screening.upload(request.body.list, request.body.csv, context(request));
        return reply.code(201).send(listJson(list));
      },
    );

    app.get(
      '/screening/lists/:id/entries',
      {
        config: readers,
        schema: {
          tags: ['screening'],
          summary: 'The entries of a list’s version (the current one by default), in file order',
          params: z.object({ id: z.uuid() }),
          querystring: z.object({
            version: z.coerce.number().int().min(1).max(1_000_000).optional(),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: {
            200: z.object({ version: z.number(), total: z.number(), items: z.array(entrySchema) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const page = await screening.entries(request.params.id, request.query);
        return { ...page, items: page.items.map((e) => ({ ...e, aliases: [...e.aliases] })) };
      },
    );

    app.get(
      '/screening/matches',
      {
        config: readers,
        schema: {
          tags: ['screening'],
          summary: 'The match queue, highest score first (open ones by default)',
          querystring: z.object({
            status: z.enum(['open', 'confirmed', 'false_positive']).default('open'),
            userId: z.uuid().optional(),
            offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(matchSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await screening.matches(request.query)).map(matchJson) }),
    );

    app.get(
      '/screening/matches/:id',
      {
        config: readers,
        schema: {
          tags: ['screening'],
          summary: 'A match: the customer (masked), the listed person, the score and why',
          params: z.object({ id: z.uuid() }),
          response: { 200: matchSchema, ...errors },
        },
      },
      async (request) => matchJson(await screening.match(request.params.id)),
    );

    app.post(
      '/screening/matches/:id/decision',
      {
        config: readers,
        schema: {
          tags: ['screening'],
          summary:
            'Decide an open match: confirmed (the customer is the listed person) or false_positive, with a reason',
          params: z.object({ id: z.uuid() }),
          body: z
            .object({
              decision: z.enum(['confirmed', 'false_positive']),
              reason: z.string().trim().min(1).max(500),
            })
            .strict(),
          response: { 200: matchSchema, ...errors },
        },
      },
      async (request) => matchJson(await screening.decide(request.params.id, request.body, context(request))),
    );

    app.post(
      '/screening/rescreen',
      {
        config: managers,
        schema: {
          tags: ['screening'],
          summary: 'Re-screen every verified customer against every list in force, now',
          body: z.object({}).strict().optional(),
          response: {
            200: z.object({ versions: z.number(), customers: z.number(), opened: z.number() }),
            ...errors,
          },
        },
      },
      async (request) => screening.rescreenAll(context(request)),
    );

    app.get(
      '/screening/settings',
      {
        config: readers,
        schema: {
          tags: ['screening'],
          summary: 'The matching threshold',
          response: { 200: z.object({ threshold: z.string() }), ...errors },
        },
      },
      async () => ({ threshold: (await screening.threshold()).toFixed(3) }),
    );

    app.post(
      '/screening/settings',
      {
        config: managers,
        schema: {
          tags: ['screening'],
          summary: 'Change the matching threshold (0.5 to 1, three decimals at most)',
          body: z
            .object({
              threshold: z
                .string()
                .regex(/^(0\.[5-9][0-9]{0,2}|1(\.0{1,3})?)$/, { message: 'threshold_malformed' }),
            })
            .strict(),
          response: { 200: z.object({ threshold: z.string() }), ...errors },
        },
      },
      async (request) => ({
        threshold: (await screening.setThreshold(request.body.threshold, context(request))).toFixed(3),
      }),
    );
  };
}
