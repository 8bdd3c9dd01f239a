import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app/platform.ts';

/** Issue 18: written by its owner. */
export function wealthProductRoutes(_platform: Platform): FastifyPluginAsyncZod {
  return async (_app) => {};
}
