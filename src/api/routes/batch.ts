import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { snapshotsOf } from '../../batch/index.ts';
import { conflict, type PlainDate, parseDate } from '../../kernel/index.ts';
import { errors } from './lending-schemas.ts';

const dateText = z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' });

const stepSchema = z.object({
  step: z.string(),
  owner: z.string(),
  position: z.number(),
  status: z.enum(['pending', 'planned', 'done']),
  chunks: z.number(),
  chunksDone: z.number(),
  rows: z.number(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  ms: z.number().nullable(),
});
const runSchema = z
  .object({
    businessDate: z.string(),
    status: z.enum(['running', 'done']),
    workers: z.number(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    lastError: z.string().nullable(),
    steps: z.array(stepSchema),
  })
  .meta({ id: 'BatchRun' });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The business date and the day-close: read the runs with their steps, start a close. */
export function batchRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { batch } = platform;
  // One close at a time from this process; other processes may help through `netfin worker`.
  let closing: Promise<unknown> | null = null;
  return async (app) => {
    app.get(
      '/business-date',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['batch'],
          summary: 'The business date the platform is open for',
          response: { 200: z.object({ businessDate: z.string(), closing: z.boolean() }), ...errors },
        },
      },
      async () => ({
        businessDate: (await batch.refresh()) ?? (await batch.businessDate()),
        closing: closing !== null,
      }),
    );
    app.get(
      '/runs',
      {
        config: { auth: { permission: 'batch:read' } },
        schema: {
          tags: ['batch'],
          summary: 'Day-close runs, newest first, with each step’s state, chunks, rows and time',
          querystring: z.object({
            date: dateText.optional(),
            limit: z.coerce.number().int().min(1).max(100).default(30),
          }),
          response: { 200: z.object({ items: z.array(runSchema) }), ...errors },
        },
      },
      async (request) => {
        const runs = await batch.runs({
          limit: request.query.limit,
          ...(request.query.date ? { date: request.query.date as PlainDate } : {}),
        });
        return {
          items: runs.map((r) => ({
            ...r,
            startedAt: r.startedAt.toISOString(),
            finishedAt: iso(r.finishedAt),
            steps: r.steps.map((s) => ({ ...s, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })),
          })),
        };
      },
    );
    app.post(
      '/day-close',
      {
        config: { auth: { permission: 'batch:operate' } },
        schema: {
          tags: ['batch'],
          summary:
            'Close the business date given (it must be the current one) and move to the next. Answers 202 at once; follow the run at GET /v1/batch/runs',
          body: z.object({ date: dateText }).strict(),
          response: {
            202: z.object({ businessDate: z.string(), status: z.enum(['started', 'already_closed']) }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const date = request.body.date as PlainDate;
        const current = await batch.businessDate();
        if (date < current) {
          const run = await batch.run(date);
          if (run?.status === 'done')
            return reply.code(202).send({ businessDate: date, status: 'already_closed' });
        }
        if (date !== current)
          throw conflict('date_not_open', `the business date is ${current}; only it can be closed`);
        if (closing) throw conflict('day_close_running', 'a day-close is already running');
        closing = batch
          .close(`api:${process.pid}`, { date })
          .catch((error: unknown) => request.log.error({ err: error }, 'day-close stopped'))
          .finally(() => {
            closing = null;
          });
        return reply.code(202).send({ businessDate: date, status: 'started' });
      },
    );
    app.get(
      '/snapshots',
      {
        config: { auth: { permission: 'batch:read' } },
        schema: {
          tags: ['batch'],
          summary:
            'Daily figures written by the day-close (loan book by bucket, reserve coverage...): amounts in major units with their currency, counts as whole numbers',
          querystring: z.object({
            metric: z.string().max(64).optional(),
            from: dateText.optional(),
            to: dateText.optional(),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  businessDate: z.string(),
                  metric: z.string(),
                  dimension: z.string(),
                  unit: z.enum(['count', 'money', 'ratio', 'decimal']),
                  value: z
                    .string()
                    .describe(
                      'money in major units ("162845.29"), a count as a whole number, a ratio exactly',
                    ),
                  currency: z.string().nullable(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const q = request.query;
        return {
          // Figures of closed days: a replica a moment behind shows the same (docs/scaling.md).
          items: await snapshotsOf(platform.readDb, {
            ...(q.metric ? { metric: q.metric } : {}),
            ...(q.from ? { from: q.from as PlainDate } : {}),
            ...(q.to ? { to: q.to as PlainDate } : {}),
          }),
        };
      },
    );
  };
}
