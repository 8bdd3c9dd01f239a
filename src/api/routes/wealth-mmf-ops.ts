import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { entryJson } from '../../wealth/mmf/income-entries.ts';
import { userIdOf } from '../auth.ts';
import { context } from './identity.ts';
import { errors, money } from './lending-schemas.ts';

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date_malformed');
const per10kText = z
  .string()
  .regex(/^\d{1,2}\.\d{4}$/, 'per10k_malformed')
  .describe('Income per 10,000 units, four decimals (0.0000-99.9999)');
const moneyOut = z.object({ amount: z.string(), currency: z.string() });
const rangeQuery = z
  .object({ from: dateText.optional(), to: dateText.optional(), productId: z.uuid().optional() })
  .strict();

const entrySchema = z
  .object({
    date: z.string(),
    per10k: z.string(),
    enteredBy: z.string().nullable(),
    enteredAt: z.string(),
    updatedBy: z.string().nullable(),
    updatedAt: z.string(),
    creditedOn: z.string().nullable(),
    locked: z.boolean().describe('A day-close is crediting or has credited it: it cannot change.'),
  })
  .meta({ id: 'WealthMmfIncomeEntry' });

const movementSchema = z.object({
  bookedOn: z.string(),
  kind: z.enum(['subscription', 'income', 'redemption']),
  amount: moneyOut,
  incomeDate: z.string().nullable(),
});

/**
 * The money-market fund's income: operations enter each calendar day's income per 10,000 units and
 * read each day's reconciliation (wealth:manage / wealth:read, under /wealth/ops/); investors read
 * the 7-day yields, their daily income and their monthly statements (signed in). The routes of
 * docs/wealth-mmf-income.md.
 */
export function wealthMmfOpsRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { income } = platform.wealth;
  return async (app) => {
    app.post(
      '/wealth/ops/mmf/income',
      {
        config: { auth: { permission: 'wealth:manage' } },
        schema: {
          tags: ['wealth'],
          summary:
            "Enter (or correct, until a day-close credits it) a calendar date's income per 10,000 units; a figure more than 50% from the mean of the last 7 entries needs confirmFar; audited",
          body: z
            .object({
              date: dateText,
              per10k: per10kText,
              productId: z.uuid().optional(),
              confirmFar: z.boolean().optional(),
            })
            .strict(),
          response: {
            200: z.object({ entry: entrySchema, corrected: z.literal(true) }),
            201: z.object({ entry: entrySchema, corrected: z.literal(false) }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { entry, corrected } = await income.enter(request.body, context(request));
        if (corrected) return reply.code(200).send({ entry: entryJson(entry), corrected: true as const });
        return reply.code(201).send({ entry: entryJson(entry), corrected: false as const });
      },
    );

    app.get(
      '/wealth/ops/mmf/income',
      {
        config: { auth: { permission: 'wealth:read' } },
        schema: {
          tags: ['wealth'],
          summary:
            "Each calendar date's income entry (missing ones flagged) and, once credited, its reconciliation: the fund's income = holders' income + undistributed",
          querystring: rangeQuery,
          response: {
            200: z.object({
              productId: z.string(),
              from: z.string(),
              to: z.string(),
              days: z.array(
                z.object({
                  date: z.string(),
                  entry: entrySchema.nullable(),
                  missing: z
                    .boolean()
                    .describe(
                      'Day-close has closed the date and it has no entry (a later close catches it up).',
                    ),
                  credited: z.boolean(),
                  holders: z.number().int().nullable(),
                  eligibleUnits: moneyOut.nullable(),
                  fundIncome: moneyOut.nullable(),
                  distributed: moneyOut.nullable(),
                  undistributed: moneyOut.nullable(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const listing = await income.entries(request.query);
        const m = (v: bigint | null | undefined) => (v === null || v === undefined ? null : money(v));
        return {
          productId: listing.product.id,
          from: listing.from,
          to: listing.to,
          days: listing.days.map((d) => ({
            date: d.date,
            entry: d.entry ? entryJson(d.entry) : null,
            missing: d.missing,
            credited: d.entry?.creditedOn != null,
            holders: d.entry?.holders ?? null,
            eligibleUnits: m(d.entry?.eligibleUnits),
            fundIncome: m(d.entry?.fundIncome),
            distributed: m(d.entry?.distributed),
            undistributed: m(d.entry?.undistributed),
          })),
        };
      },
    );

    app.get(
      '/wealth/mmf/yields',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            "The money-market fund's income per 10,000 units and 7-day annualised yield (compounded and simple, percent to four decimals) for each of the last `days` dates",
          querystring: z
            .object({
              days: z.coerce.number().int().min(1).max(366).optional(),
              productId: z.uuid().optional(),
            })
            .strict(),
          response: {
            200: z.object({
              productId: z.string(),
              definition: z
                .enum(['compounded', 'simple'])
                .describe('The definition the product page states and shows first.'),
              formula: z.object({ compounded: z.string(), simple: z.string() }),
              latest: z
                .object({
                  date: z.string(),
                  sevenDayCompounded: z.string().nullable(),
                  sevenDaySimple: z.string().nullable(),
                })
                .nullable(),
              days: z.array(
                z.object({
                  date: z.string(),
                  per10k: z.string().nullable(),
                  sevenDayCompounded: z.string().nullable(),
                  sevenDaySimple: z.string().nullable(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const y = await income.yields(request.query);
        return {
          productId: y.product.id,
          definition: y.definition,
          formula: {
            compounded:
              '((Π(1 + r_i ÷ 10,000))^(365/7) − 1) × 100%, r_i the last 7 days’ income per 10,000 units',
            simple: '(Σ r_i ÷ 10,000) × 365 ÷ 7 × 100%',
          },
          latest: y.latest
            ? {
                date: y.latest.date,
                sevenDayCompounded: y.latest.sevenDayCompounded,
                sevenDaySimple: y.latest.sevenDaySimple,
              }
            : null,
          days: y.days,
        };
      },
    );

    app.get(
      '/me/wealth/mmf/income',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            "The caller's money-market income: each date's income in the range (from the ledger), yesterday's and the cumulative",
          querystring: rangeQuery,
          response: {
            200: z.object({
              productId: z.string(),
              from: z.string(),
              to: z.string(),
              units: moneyOut,
              yesterday: z.object({ date: z.string(), amount: moneyOut }),
              cumulative: moneyOut,
              days: z.array(z.object({ date: z.string(), amount: moneyOut })),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const h = await income.holderIncome(userIdOf(request), request.query);
        return {
          productId: h.productId,
          from: h.from,
          to: h.to,
          units: money(h.units),
          yesterday: { date: h.yesterday.date, amount: money(h.yesterday.amount) },
          cumulative: money(h.cumulative),
          days: h.days.map((d) => ({ date: d.date, amount: money(d.amount) })),
        };
      },
    );

    app.get(
      '/me/wealth/mmf/statements/:month',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            "The caller's money-market statement of a month (YYYY-MM): opening units, subscriptions, income, redemptions, closing, and each movement",
          params: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, 'month_malformed') }),
          querystring: z.object({ productId: z.uuid().optional() }).strict(),
          response: {
            200: z.object({
              productId: z.string(),
              month: z.string(),
              from: z.string(),
              to: z.string(),
              opening: moneyOut,
              subscriptions: moneyOut,
              income: moneyOut,
              redemptions: moneyOut,
              closing: moneyOut,
              lines: z.array(movementSchema),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const s = await income.statement(userIdOf(request), request.params.month, request.query.productId);
        return {
          productId: s.productId,
          month: s.month,
          from: s.from,
          to: s.to,
          opening: money(s.opening),
          subscriptions: money(s.subscriptions),
          income: money(s.income),
          redemptions: money(s.redemptions),
          closing: money(s.closing),
          lines: s.lines.map((l) => ({
            bookedOn: l.bookedOn,
            kind: l.kind,
            amount: money(l.amount),
            incomeDate: l.incomeDate,
          })),
        };
      },
    );
  };
}
