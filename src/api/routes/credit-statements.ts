import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app/platform.ts';

/** Consumer credit: statements (see docs/credit.md). */
export function creditStatementsRoutes(_platform: Platform): FastifyPluginAsyncZod {
  return async () => {};
}
