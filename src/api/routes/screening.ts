import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app/platform.ts';

/** Watch lists and name screening. */
export function screeningRoutes(platform: Platform): FastifyPluginAsyncZod {
  return async (_app) => {
    void platform;
  };
}
