import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../app/platform.ts';

/** Contracts: templates, signed PDFs, acceptances, verification, search and the legal review queue. */
export function contractRoutes(platform: Platform): FastifyPluginAsyncZod {
  return async (_app) => {
    void platform;
  };
}
