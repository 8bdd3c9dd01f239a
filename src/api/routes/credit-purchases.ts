import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { Plan, PurchaseOption } from '../../credit/index.ts';
import { CNY, notFound, parseAmount } from '../../kernel/index.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema } from '../schemas.ts';
import { errors, idParams, money } from './lending-schemas.ts';
import { paymentPassword } from './payment-schemas.ts';

/**
 * Consumer credit: pay later at a merchant's checkout (the options with their fee and APR, then the
 * purchase), and a line's plans with their instalments (see docs/credit.md, "Pay later and
 * instalments"). Merchants refund on their own refund route; an order paid with credit is refunded
 * to the line.
 */
const scheduleItemSchema = z.object({
  seq: z.number(),
  principal: moneyResponseSchema,
  charge: moneyResponseSchema,
  billed: z.boolean(),
  statementId: z.string().nullable(),
  cancelled: z.boolean(),
});

export const planSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['purchase', 'instalment_purchase', 'draw_instalments', 'statement_instalments']),
    status: z.enum(['active', 'completed', 'refunded', 'cancelled', 'listing', 'assigned']),
    principal: moneyResponseSchema,
    charge: moneyResponseSchema.describe(
      'The total fee (purchases, conversions) or interest (draws) agreed.',
    ),
    feeRate: z.string().nullable(),
    repaymentMethod: z.string().nullable(),
    annualRate: z.string().nullable(),
    instalments: z.number(),
    merchantName: z.string().nullable(),
    orderId: z.string().nullable(),
    refunded: moneyResponseSchema.describe('Principal refunded by the merchant so far.'),
    chargeRefunded: moneyResponseSchema,
    createdOn: z.string(),
    schedule: z.array(scheduleItemSchema),
  })
  .meta({ id: 'CreditPlan' });

export function planJson(plan: Plan) {
  return {
    id: plan.id,
    kind: plan.kind,
    status: plan.status,
    principal: money(plan.principal),
    charge: money(plan.charge),
    feeRate: plan.feeRate,
    repaymentMethod: plan.repaymentMethod,
    annualRate: plan.annualRate,
    instalments: plan.instalments,
    merchantName: plan.merchantName,
    orderId: plan.orderId,
    refunded: money(plan.refunded),
    chargeRefunded: money(plan.chargeRefunded),
    createdOn: plan.createdOn,
    schedule: plan.schedule.map((i) => ({
      seq: i.seq,
      principal: money(i.principal),
      charge: money(i.charge),
      billed: i.statementId !== null,
      statementId: i.statementId,
      cancelled: i.cancelled,
    })),
  };
}

const part = z.object({ principal: moneyResponseSchema, fee: moneyResponseSchema });
const optionSchema = z.object({
  instalments: z.number(),
  fee: moneyResponseSchema,
  feeRate: z.string(),
  total: moneyResponseSchema,
  first: part,
  rest: part.nullable(),
  apr: z.string().nullable().describe('The APR by IRR with the fee (null: paid in full, no cost).'),
  firstDueOn: z.string(),
});

const optionJson = (o: PurchaseOption) => ({
  instalments: o.instalments,
  fee: money(o.fee),
  feeRate: o.feeRate,
  total: money(o.total),
  first: { principal: money(o.first.principal), fee: money(o.first.fee) },
  rest: o.rest ? { principal: money(o.rest.principal), fee: money(o.rest.fee) } : null,
  apr: o.apr,
  firstDueOn: o.firstDueOn,
});

const amountQuery = z
  .string()
  .max(24)
  .refine(
    (t) => {
      const p = parseAmount(t, CNY);
      return p.ok && p.value > 0n;
    },
    { message: 'amount_malformed' },
  )
  .describe('Yuan, e.g. "123.45".');

export function creditPurchasesRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { credit } = platform;

  async function ownLine(customerId: string, lineId: string) {
    const line = await credit.line(lineId);
    if (line.customerId !== customerId) throw notFound('line_not_found', 'no such credit line');
    return line;
  }

  return async (app) => {
    app.get(
      '/credit/lines/:id/purchase-options',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            'What paying an amount with my line costs: in full by the next due date, or in 3, 6 or 12 instalments with the fee and APR',
          params: idParams,
          querystring: z.object({ amount: amountQuery }),
          response: { 200: z.object({ options: z.array(optionSchema) }), ...errors },
        },
      },
      async (request) => {
        const amount = (parseAmount(request.query.amount, CNY) as { ok: true; value: bigint }).value;
        const options = await credit.purchaseOptions(userIdOf(request), request.params.id, amount);
        return { options: options.map(optionJson) };
      },
    );

    app.post(
      '/credit/lines/:id/purchases',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            "Pay a merchant's order with my line: in full by the next statement's due date (instalments 1, no fee) or in instalments",
          params: idParams,
          body: z
            .object({
              orderId: z.uuid(),
              instalments: z.number().int().min(1).max(36),
              paymentPassword,
            })
            .strict(),
          response: {
            201: z.object({
              plan: planSchema,
              order: z.object({
                id: z.string(),
                status: z.string(),
                amount: moneyResponseSchema,
                merchantName: z.string(),
              }),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const result = await credit.purchase(userIdOf(request), request.params.id, {
          orderId: request.body.orderId,
          instalments: request.body.instalments,
          paymentPassword: request.body.paymentPassword,
        });
        return reply.code(201).send({
          plan: planJson(result.plan),
          order: {
            id: result.order.id,
            status: result.order.status,
            amount: money(result.order.amount),
            merchantName: result.merchantName,
          },
        });
      },
    );

    app.get(
      '/credit/lines/:id/plans',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            "My line's plans (purchases, instalment draws, converted statements) with their instalments",
          params: idParams,
          response: { 200: z.object({ items: z.array(planSchema) }), ...errors },
        },
      },
      async (request) => {
        const line = await ownLine(userIdOf(request), request.params.id);
        return { items: (await credit.plans(line.id)).map(planJson) };
      },
    );

    app.get(
      '/credit/staff/lines/:id/plans',
      {
        config: { auth: { permission: 'credit:read' } },
        schema: {
          tags: ['credit'],
          summary: "A line's plans with their instalments (staff)",
          params: idParams,
          response: { 200: z.object({ items: z.array(planSchema) }), ...errors },
        },
      },
      async (request) => {
        const line = await credit.line(request.params.id);
        return { items: (await credit.plans(line.id)).map(planJson) };
      },
    );
  };
}
