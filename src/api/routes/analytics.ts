import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GRANULARITIES, METRIC_UNITS } from '../../analytics/index.ts';
import type { Platform } from '../../app/platform.ts';
import { addDays, CNY, formatAmount, invalid, type PlainDate, parseDate } from '../../kernel/index.ts';
import { moneyResponseSchema } from '../schemas.ts';
import { errors } from './lending-schemas.ts';

const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });
const NAME = /^[a-z]+\.[a-z][a-z0-9_]*$/;
const KEY = /^[a-z][a-z0-9_]*$/;

const listOf = (pattern: RegExp, max: number) =>
  z
    .string()
    .max(2000)
    .transform((text) => text.split(',').filter((part) => part !== ''))
    .refine((parts) => parts.length <= max && parts.every((p) => pattern.test(p)), {
      message: 'malformed_list',
    });

/** "grade:A,term:12" into {grade: 'A', term: '12'}. */
const filterText = z
  .string()
  .max(1000)
  .transform((text, ctx) => {
    const out: Record<string, string> = {};
    for (const part of text.split(',').filter((p) => p !== '')) {
      const at = part.indexOf(':');
      const key = part.slice(0, at);
      const value = part.slice(at + 1);
      if (at < 1 || !KEY.test(key) || !/^[^;=:,]{1,64}$/.test(value) || key in out) {
        ctx.addIssue({ code: 'custom', message: 'filter is key:value,key:value' });
        return z.NEVER;
      }
      out[key] = value;
    }
    return out;
  });

const seriesSchema = z
  .object({
    metric: z.string(),
    unit: z.enum(METRIC_UNITS),
    currency: z.string().nullable(),
    points: z.array(
      z.object({ period: z.string(), dimension: z.record(z.string(), z.string()), value: z.string() }),
    ),
  })
  .meta({ id: 'AnalyticsSeries' });

const OVERDUE_BUCKETS = ['M1', 'M2', 'M3', 'M3+'] as const;

const disclosureSchema = z
  .object({
    businessDate: z
      .string()
      .nullable()
      .describe('The business date of the figures (null before the first close)'),
    figures: z
      .object({
        lentTotal: moneyResponseSchema.describe('Principal of every loan disbursed'),
        loansTotal: z.number().int(),
        outstandingPrincipal: moneyResponseSchema,
        outstandingLoans: z.number().int(),
        borrowersTotal: z.number().int(),
        borrowersCurrent: z.number().int(),
        investorsTotal: z.number().int(),
        investorsCurrent: z.number().int(),
        top10Share: z
          .string()
          .nullable()
          .describe("The ten largest borrowers' share of the outstanding principal"),
        overdue: z.object({
          amount: moneyResponseSchema.describe('Outstanding principal of the loans past due'),
          count: z.number().int(),
          rate: z.string().nullable().describe('Overdue principal / outstanding principal'),
          buckets: z.array(
            z.object({
              bucket: z
                .enum(OVERDUE_BUCKETS)
                .describe('M1 1–30 days past due, M2 31–60, M3 61–90, M3+ over 90'),
              amount: moneyResponseSchema,
              count: z.number().int(),
            }),
          ),
        }),
        reserveBalance: moneyResponseSchema,
        reserveCoverage: z.string().nullable().describe('Reserve balance / overdue principal'),
        advancesTotal: moneyResponseSchema.describe('What the reserve advanced to investors'),
      })
      .nullable(),
  })
  .meta({ id: 'Disclosure' });

/** The public disclosure (信息披露) from the last date its area computed: counts, sums and ratios only. */
function disclosureRoute(platform: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/disclosure',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['analytics'],
          summary:
            "The platform's public disclosure (信息披露), refreshed by each day-close: loans and their principal, borrowers and investors, the ten largest borrowers' share, overdue principal and loans by bucket, the reserve and its advances; nothing about any one person",
          response: { 200: disclosureSchema },
        },
      },
      async () => {
        const found = await platform.analytics.disclosure();
        if (!found) return { businessDate: null, figures: null };
        const value = (metric: string, bucket?: string) =>
          found.facts.find(
            (f) =>
              f.metric === `disclosure.${metric}` &&
              (bucket === undefined ? Object.keys(f.dimension).length === 0 : f.dimension.bucket === bucket),
          )?.value ?? null;
        const amount = (metric: string, bucket?: string) => ({
          amount: formatAmount(BigInt(value(metric, bucket) ?? '0'), CNY),
          currency: CNY.code,
        });
        const count = (metric: string, bucket?: string) => Number(value(metric, bucket) ?? '0');
        return {
          businessDate: found.businessDate,
          figures: {
            lentTotal: amount('lent_total'),
            loansTotal: count('loans_total'),
            outstandingPrincipal: amount('outstanding_principal'),
            outstandingLoans: count('outstanding_loans'),
            borrowersTotal: count('borrowers_total'),
            borrowersCurrent: count('borrowers_current'),
            investorsTotal: count('investors_total'),
            investorsCurrent: count('investors_current'),
            top10Share: value('top10_share'),
            overdue: {
              amount: amount('overdue_amount'),
              count: count('overdue_count'),
              rate: value('overdue_rate'),
              buckets: OVERDUE_BUCKETS.map((bucket) => ({
                bucket,
                amount: amount('overdue_amount', bucket),
                count: count('overdue_count', bucket),
              })),
            },
            reserveBalance: amount('reserve_balance'),
            reserveCoverage: value('reserve_coverage'),
            advancesTotal: amount('advances_total'),
          },
        };
      },
    );
  };
}

/** Operations analytics: the metric catalogue, series by day, week or month, their CSV, and the backfill. */
export function analyticsRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { analytics } = platform;
  return async (app) => {
    await app.register(disclosureRoute(platform));
    app.get(
      '/analytics/metrics',
      {
        config: { auth: { permission: 'analytics:read' } },
        schema: {
          tags: ['analytics'],
          summary:
            'Every metric the day-close computes: its unit, how days roll up, its dimensions, what it counts',
          response: {
            200: z.object({
              latestDate: z.string().nullable(),
              items: z.array(
                z.object({
                  name: z.string(),
                  unit: z.enum(METRIC_UNITS),
                  rollup: z.enum(['sum', 'last']),
                  dimensions: z.array(z.string()),
                  description: z.string(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async () => ({
        latestDate: await analytics.latestDate(),
        items: analytics.metrics().map((m) => ({ ...m, dimensions: [...m.dimensions] })),
      }),
    );
    app.get(
      '/analytics/source',
      {
        config: { auth: { permission: 'analytics:read' } },
        schema: {
          tags: ['analytics'],
          summary:
            "Where the reports read from (the primary, or the streaming replica of NETFIN_READ_DATABASE_URL) and the replica's lag: seconds since the last transaction it replayed (0 when it has replayed all the primary's WAL), its replay position against the primary's, and the distance in bytes; null on the primary",
          response: {
            200: z.object({
              source: z.enum(['primary', 'replica']),
              inRecovery: z.boolean(),
              replayedAt: z.string().nullable(),
              lagSeconds: z.string().nullable(),
              replayLsn: z.string().nullable(),
              primaryLsn: z.string().nullable(),
              behindBytes: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      () => analytics.source(),
    );
    app.get(
      '/analytics/series',
      {
        config: { auth: { permission: 'analytics:read' } },
        schema: {
          tags: ['analytics'],
          summary:
            'Series of metrics by day, week or month (money as decimal strings with the currency), filtered and broken down by dimensions; ?format=csv for a spreadsheet',
          querystring: z.object({
            metrics: listOf(NAME, 20),
            from: dateText.optional(),
            to: dateText.optional(),
            granularity: z.enum(GRANULARITIES).default('day'),
            filter: filterText.optional(),
            by: listOf(KEY, 3).optional(),
            format: z.enum(['json', 'csv']).default('json'),
          }),
          response: {
            200: z.union([
              z.object({ from: z.string(), to: z.string(), items: z.array(seriesSchema) }),
              z.string(),
            ]),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const to = (q.to ?? (await analytics.latestDate()) ?? platform.clock.businessDate()) as PlainDate;
        const from = (q.from ?? addDays(to, -29)) as PlainDate;
        if (q.metrics.length === 0) throw invalid('metric_required', 'name at least one metric');
        const query = {
          metrics: q.metrics,
          from,
          to,
          granularity: q.granularity,
          ...(q.filter ? { filter: q.filter } : {}),
          ...(q.by ? { by: q.by } : {}),
        };
        if (q.format === 'csv')
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="analytics-${from}-${to}.csv"`)
            .send(await analytics.seriesCsv(query));
        return {
          from,
          to,
          items: (await analytics.series(query)).map((s) => ({ ...s, points: [...s.points] })),
        };
      },
    );
    app.get(
      '/analytics/users/cohorts',
      {
        config: { auth: { permission: 'analytics:read' } },
        schema: {
          tags: ['analytics'],
          summary:
            "Users' retention by sign-up week: each cohort's size and, for weeks 1, 2, 4, 8 and 12 after it, how many were active and their share (null until the week has ended)",
          querystring: z.object({
            from: dateText.optional().describe('The first cohort (its week); default 12 weeks before `to`'),
            to: dateText.optional().describe('The last cohort (its week); default the last computed date'),
          }),
          response: {
            200: z.object({
              from: z.string(),
              to: z.string(),
              items: z.array(
                z.object({
                  cohort: z.string(),
                  size: z.number().int(),
                  weeks: z.array(
                    z.object({
                      week: z.number().int(),
                      retained: z.number().int().nullable(),
                      share: z.string().nullable(),
                    }),
                  ),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const to = (q.to ?? (await analytics.latestDate()) ?? platform.clock.businessDate()) as PlainDate;
        const from = (q.from ?? addDays(to, -7 * 12)) as PlainDate;
        const items = await analytics.userCohorts({ from, to });
        return { from, to, items: items.map((c) => ({ ...c, weeks: c.weeks.map((w) => ({ ...w })) })) };
      },
    );
  };
}
