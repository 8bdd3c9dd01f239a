import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { errorResponseSchema } from '../errors.ts';

export function healthRoutes(platform: Platform): FastifyPluginAsyncZod {
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
  };
}
