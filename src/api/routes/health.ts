import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { bundledMigrations, migrationState } from '../../db/index.ts';
import { errorResponseSchema, sendError } from '../errors.ts';

export function healthRoutes(platform: Platform): FastifyPluginAsyncZod {
  // Read once: the migrations this version ships do not change while it runs.
  const migrations = bundledMigrations();
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['platform'],
          summary: 'Liveness and database reachability',
          response: {
            200: z.object({
              status: z.literal('ok'),
              database: z.enum(['pglite', 'postgres']),
              time: z.string(),
            }),
            503: errorResponseSchema,
          },
        },
      },
      async (_request, reply) => {
        try {
          await sql`select 1`.execute(platform.db);
        } catch {
          return reply
            .code(503)
            .send({ error: { code: 'database_unavailable', message: 'the database does not answer' } });
        }
        return { status: 'ok' as const, database: platform.driver, time: platform.clock.now().toISOString() };
      },
    );

    app.get(
      '/readyz',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['platform'],
          summary: 'Readiness: the database answers and its schema is the one this version expects',
          description:
            'For a load balancer or an orchestrator: 200 when this process can serve; 503 with `database_unavailable` ' +
            'when the database does not answer, `migrations_pending` when it lacks migrations this version ships ' +
            '(`netfin migrate`), `migrations_unknown` when it has migrations of a newer version.',
          response: {
            200: z.object({
              status: z.literal('ready'),
              database: z.enum(['pglite', 'postgres']),
              migrations: z.number().int().describe('The migrations applied, all this version ships'),
            }),
            503: errorResponseSchema,
          },
        },
      },
      async (_request, reply) => {
        let state: Awaited<ReturnType<typeof migrationState>>;
        try {
          state = await migrationState(platform.db, migrations);
        } catch {
          return sendError(reply, 503, 'database_unavailable', 'the database does not answer');
        }
        if (state.missing.length > 0)
          return sendError(
            reply,
            503,
            'migrations_pending',
            `the database lacks ${state.missing.length} migration(s) of this version: run netfin migrate`,
            { missing: state.missing },
          );
        if (state.unknown.length > 0)
          return sendError(
            reply,
            503,
            'migrations_unknown',
            'the database has migrations this version does not know: a newer netfin migrated it',
            { unknown: state.unknown },
          );
        return { status: 'ready' as const, database: platform.driver, migrations: migrations.length };
      },
    );
  };
}
