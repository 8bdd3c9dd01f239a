import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app/platform.ts';

/** Consumer credit: purchases (see docs/credit.md). */
export function creditPurchasesRoutes(_platform: Platform): FastifyPluginAsyncZod {
  return async () => {};
}
