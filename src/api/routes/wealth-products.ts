import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { notFound } from '../../kernel/index.ts';
import { PRODUCT_KINDS, PRODUCT_STATUSES, type Product } from '../../wealth/index.ts';
import { context } from './identity.ts';
import { errors } from './lending-schemas.ts';

/** A product's id (uuid) or its code, in a path. */
export const productParams = z.object({
  id: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'product_ref_malformed')
    .describe("The product's id or its code."),
});

const termsDescription =
  "The kind's terms, a JSON object. fixed_term: annualRate, dayCount, raiseStart, raiseEnd, valueDate, maturityDate, minTotal, maxTotal, minPurchase, step, perInvestorCap, earlyRedemption (docs/wealth-fixed-term.md).";

export const productSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    kind: z.enum(PRODUCT_KINDS),
    nameZh: z.string(),
    nameEn: z.string(),
    riskLevel: z.string().describe('R1-R5.'),
    allowOverride: z
      .boolean()
      .describe("Whether an investor below the product's level may buy after acknowledging a warning."),
    status: z.enum(PRODUCT_STATUSES),
    terms: z.record(z.string(), z.unknown()).describe(termsDescription),
    publishedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'WealthProduct' });

const staffProductSchema = productSchema
  .extend({
    createdBy: z.string().nullable(),
    editedBy: z.array(z.string()),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WealthProductStaffView' });

export function productJson(p: Product) {
  return {
    id: p.id,
    code: p.code,
    kind: p.kind,
    nameZh: p.nameZh,
    nameEn: p.nameEn,
    riskLevel: `R${p.riskLevel}`,
    allowOverride: p.allowOverride,
    status: p.status,
    terms: p.terms,
    publishedAt: p.publishedAt?.toISOString() ?? null,
    closedAt: p.closedAt?.toISOString() ?? null,
  };
}

function staffProductJson(p: Product) {
  return {
    ...productJson(p),
    createdBy: p.createdBy,
    editedBy: [...p.editedBy],
    approvedBy: p.approvedBy,
    approvedAt: p.approvedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

const name = z.string().trim().min(1).max(100);
const riskLevel = z.number().int().min(1).max(5).describe('1-5 for R1-R5.');
const terms = z.record(z.string().max(64), z.unknown()).describe(termsDescription);
const kindQuery = z.object({ kind: z.enum(PRODUCT_KINDS).optional() }).strict();

const readers = { auth: { permission: 'wealth:read' } } as const;
const managers = { auth: { permission: 'wealth:manage' } } as const;

/**
 * Wealth products of every kind: customers read the published ones; operations write drafts, edit
 * them, and a second person approves; then publish and close. Every change is audited.
 */
export function wealthProductRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { wealth } = platform;
  const workflow = wealth.products;
  return async (app) => {
    app.get(
      '/wealth/products',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary: 'Products on sale (published), of one kind or all',
          querystring: kindQuery,
          response: { 200: z.object({ items: z.array(productSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await wealth.listProducts({ kind: request.query.kind, status: ['published'] })).map(
          productJson,
        ),
      }),
    );

    app.get(
      '/wealth/products/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary: 'A product on sale (published); any other is not found',
          params: productParams,
          response: { 200: productSchema, ...errors },
        },
      },
      async (request) => {
        const product = await wealth.product(request.params.id);
        if (product.status !== 'published')
          throw notFound('product_not_found', 'no such wealth product on sale');
        return productJson(product);
      },
    );

    app.get(
      '/wealth/ops/products',
      {
        config: readers,
        schema: {
          tags: ['wealth'],
          summary: 'Every product, in every state (operations)',
          querystring: z
            .object({ kind: z.enum(PRODUCT_KINDS).optional(), status: z.enum(PRODUCT_STATUSES).optional() })
            .strict(),
          response: { 200: z.object({ items: z.array(staffProductSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (
          await wealth.listProducts({
            kind: request.query.kind,
            ...(request.query.status ? { status: [request.query.status] } : {}),
          })
        ).map(staffProductJson),
      }),
    );

    app.get(
      '/wealth/ops/products/:id',
      {
        config: readers,
        schema: {
          tags: ['wealth'],
          summary: 'A product in any state, with who wrote, edited and approved it (operations)',
          params: productParams,
          response: { 200: staffProductSchema, ...errors },
        },
      },
      async (request) => staffProductJson(await wealth.product(request.params.id)),
    );

    app.post(
      '/wealth/ops/products',
      {
        config: managers,
        schema: {
          tags: ['wealth'],
          summary: 'Write a product as a draft (a second person approves it); audited',
          body: z
            .object({
              code: z.string().min(2).max(32).describe('2-32 of A-Z, 0-9, "-" and "_".'),
              kind: z.enum(PRODUCT_KINDS),
              nameZh: name,
              nameEn: name,
              riskLevel,
              allowOverride: z.boolean().default(false),
              terms,
            })
            .strict(),
          response: { 201: staffProductSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(staffProductJson(await workflow.create(request.body, context(request)))),
    );

    app.put(
      '/wealth/ops/products/:id',
      {
        config: managers,
        schema: {
          tags: ['wealth'],
          summary: 'Edit a draft (the editor may then not approve it); audited',
          params: productParams,
          body: z
            .object({
              nameZh: name.optional(),
              nameEn: name.optional(),
              riskLevel: riskLevel.optional(),
              allowOverride: z.boolean().optional(),
              terms: terms.optional(),
            })
            .strict(),
          response: { 200: staffProductSchema, ...errors },
        },
      },
      async (request) =>
        staffProductJson(await workflow.edit(request.params.id, request.body, context(request))),
    );

    for (const [action, summary] of [
      ['approve', 'Approve a draft: by someone other than its creator and its editors; audited'],
      ['publish', "Publish an approved product (its kind's accounts are opened); audited"],
      ['close', 'Close a product (a fixed-term one only once nobody’s money is in it); audited'],
    ] as const)
      app.post(
        `/wealth/ops/products/:id/${action}`,
        {
          config: managers,
          schema: {
            tags: ['wealth'],
            summary,
            params: productParams,
            response: { 200: staffProductSchema, ...errors },
          },
        },
        async (request) => staffProductJson(await workflow[action](request.params.id, context(request))),
      );
  };
}
