import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app/platform.ts';

/** Anti-money-laundering: rules, alerts, cases and reports. */
export function amlRoutes(platform: Platform): FastifyPluginAsyncZod {
  return async (_app) => {
    void platform;
  };
}
