import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import {
  type FundingReport,
  fundingReport,
  type LineProduct,
  type LineProductPatch,
} from '../../credit/index.ts';
import { type PlainDate, parseDate } from '../../kernel/index.ts';
import { moneySchema, rateSchema } from '../schemas.ts';
import { planJson } from './credit-purchases.ts';
import { context } from './identity.ts';
import { anyObject, cny, errors, idParams, money } from './lending-schemas.ts';

/** Consumer credit for staff: the line products' settings (versioned) and the funding report. */
const dateText = z
  .string()
  .max(10)
  .refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const productParams = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/)
    .describe('A line product id, e.g. everyday-credit'),
});
const rate = rateSchema.pipe(z.string().max(20));
const day = z.number().int().min(1).max(28);
const count = z.union([z.literal(3), z.literal(6), z.literal(12)]);

const billingPatch = z
  .object({
    statementDayMin: day,
    statementDayMax: day,
    statementDay: day,
    graceDaysMin: day,
    graceDaysMax: day,
    graceDays: day,
    minPaymentRate: rate,
    penaltyDailyRate: rate,
    feeRefund: z.enum(['pro_rata', 'unbilled_only']),
    drawInstalments: z.array(count).min(1).max(3),
    drawMethods: z.array(z.string().max(40)).min(1).max(4),
    assignable: z.boolean(),
    reminderDays: z.array(z.number().int().min(0).max(28)).max(10),
    fundingCostRate: rate,
  })
  .partial()
  .strict();

const configPatch = z
  .object({
    name: z.string().trim().min(1).max(100),
    minLimit: moneySchema(),
    maxLimit: moneySchema(),
    dailyRate: rate,
    maxDailyRate: rate,
    instalmentFees: z
      .object({ '3': rate, '6': rate, '12': rate })
      .partial()
      .strict()
      .describe('The total fee of a purchase in n instalments as a share of the amount, by n'),
    reviewMonths: z.number().int().min(1).max(36),
    minDraw: moneySchema(),
    billing: billingPatch,
  })
  .partial()
  .strict()
  .describe("The fields to change; those left out keep the current version's values");

export function productJson(p: LineProduct) {
  return {
    id: p.id,
    version: p.version,
    status: p.status,
    name: p.name,
    minLimit: money(p.minLimit),
    maxLimit: money(p.maxLimit),
    dailyRate: p.dailyRate,
    maxDailyRate: p.maxDailyRate,
    instalmentFees: p.instalmentFees,
    reviewMonths: p.reviewMonths,
    minDraw: money(p.minDraw),
    billing: p.billing,
  };
}

function fundingJson(r: FundingReport) {
  return {
    period: { from: r.from, to: r.to },
    outstanding: {
      cashDraws: money(r.outstanding.cashDraws),
      unbilled: money(r.outstanding.unbilled),
      billed: money(r.outstanding.billed),
      total: money(r.outstanding.total),
    },
    income: {
      interest: money(r.income.interest),
      fees: money(r.income.fees),
      penalty: money(r.income.penalty),
      merchantDiscount: money(r.income.merchantDiscount),
      total: money(r.income.total),
    },
    fundingCost: money(r.fundingCost),
    margin: money(r.margin),
  };
}

function toPatch(body: z.infer<typeof configPatch>): LineProductPatch {
  const minor = (value: { amount: string; currency: string } | undefined) =>
    value === undefined ? undefined : cny(value).toString();
  const fees = body.instalmentFees;
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.minLimit ? { minLimit: minor(body.minLimit)! } : {}),
    ...(body.maxLimit ? { maxLimit: minor(body.maxLimit)! } : {}),
    ...(body.minDraw ? { minDraw: minor(body.minDraw)! } : {}),
    ...(body.dailyRate !== undefined ? { dailyRate: body.dailyRate } : {}),
    ...(body.maxDailyRate !== undefined ? { maxDailyRate: body.maxDailyRate } : {}),
    // The fee table is replaced whole: a count left out is no longer offered.
    ...(fees
      ? {
          instalmentFees: Object.fromEntries(
            Object.entries(fees).filter((e): e is [string, string] => e[1] !== undefined),
          ),
        }
      : {}),
    ...(body.reviewMonths !== undefined ? { reviewMonths: body.reviewMonths } : {}),
    ...(body.billing ? { billing: body.billing } : {}),
  };
}

export function creditStaffRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { credit } = platform;
  return async (app) => {
    app.get(
      '/credit/staff/products',
      {
        config: { auth: { permission: 'credit:read' } },
        schema: {
          tags: ['credit'],
          summary: 'The line products, each at its current version, with their billing settings (staff)',
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async () => ({ items: (await credit.products.list()).map(productJson) }),
    );
    app.post(
      '/credit/staff/products/:id/versions',
      {
        config: { auth: { permission: 'credit:manage' } },
        schema: {
          tags: ['credit'],
          summary:
            'Publish a new version of a line product (new lines take it; a line keeps the version it was granted under) (staff)',
          params: productParams,
          body: z.object({ config: configPatch }).strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) => {
        const product = await credit.products.publish(
          request.params.id,
          toPatch(request.body.config),
          context(request),
        );
        return reply.code(201).send(productJson(product));
      },
    );
    app.get(
      '/credit/staff/funding',
      {
        config: { auth: { permission: 'credit:read' } },
        schema: {
          tags: ['credit'],
          summary:
            'Credit funded by the platform: principal outstanding, income by kind, the cost of funds and the margin, over a period of business dates (staff)',
          querystring: z
            .object({ from: dateText.optional(), to: dateText.optional() })
            .describe('Business dates, inclusive; without them: since the start, as of now'),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        fundingJson(
          await fundingReport(credit.context, {
            from: request.query.from as PlainDate | undefined,
            to: request.query.to as PlainDate | undefined,
          }),
        ),
    );
    // Assigning a draw to the marketplace (src/credit/assign.ts).
    app.post(
      '/credit/staff/plans/:id/assign',
      {
        config: { auth: { permission: 'credit:manage' } },
        schema: {
          tags: ['credit'],
          summary:
            "Assign a cash draw's instalment plan, not yet billed, to marketplace investors as a listing (staff)",
          params: idParams.describe('The plan (a cash draw repaid in instalments)'),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) => {
        const result = await credit.assignPlan(request.params.id, context(request));
        const loan = await platform.lending.loan(result.loanId);
        return reply.code(201).send({
          plan: planJson(result.plan),
          loan: {
            id: loan.id,
            status: loan.status,
            amount: money(loan.amount),
            annualRate: loan.annualRate,
            term: loan.term,
            method: loan.method,
            grade: loan.grade,
            expiresOn: loan.expiresOn,
          },
        });
      },
    );
  };
}
