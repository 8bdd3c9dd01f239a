import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GRANULARITIES, METRIC_UNITS } from '../../analytics/index.ts';
import type { Platform } from '../../app/platform.ts';
import { addDays, invalid, type PlainDate, parseDate } from '../../kernel/index.ts';
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

/** Operations analytics: the metric catalogue, series by day, week or month, their CSV, and the backfill. */
export function analyticsRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { analytics } = platform;
  return async (app) => {
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
