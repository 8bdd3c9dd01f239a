import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app/platform.ts';

/** Data protection: retention, consent and a user's data export. */
export function privacyRoutes(platform: Platform): FastifyPluginAsyncZod {
  return async (_app) => {
    void platform;
  };
}
