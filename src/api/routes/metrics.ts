import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Metrics } from '../../app/metrics.ts';
import type { Platform } from '../../app/platform.ts';
import { errorResponseSchema } from '../errors.ts';

/** GET /metrics on the main port, for the administrator (NETFIN_METRICS_PORT serves it on its own too). */
export function metricsRoutes(platform: Platform): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/metrics',
      {
        config: { auth: { permission: 'metrics:read' } },
        schema: {
          tags: ['platform'],
          summary: "The platform's metrics, in the Prometheus text format",
          description:
            'Requests, the ledger, group-commit queues, decisions, payment notifications, the day-close and the ' +
            'database pools (docs/operations.md says what each means). For a scraper without the admin token, set ' +
            'NETFIN_METRICS_PORT: the same text is served there, on its own port, without credentials.',
          response: {
            200: z.string().describe('text/plain; version=0.0.4'),
            401: errorResponseSchema,
            403: errorResponseSchema,
          },
        },
      },
      async (_request, reply) =>
        reply.type(platform.metrics.contentType).send(await platform.metrics.scrape()),
    );
  };
}

/**
 * Records each finished request in the platform's metrics, by method, route pattern and status.
 * Install before any route: a route registered afterwards gets a recorder of its own (made once, with
 * its label children), so that a request costs one map lookup and prom-client's observe.
 */
export function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const recorders = new Map(methods.map((method) => [method, metrics.httpRoute(method, route.url)]));
    const record = async (
      request: { method: string },
      reply: { statusCode: number; elapsedTime: number },
    ) => {
      recorders.get(request.method)?.(reply.statusCode, reply.elapsedTime / 1000);
    };
    const existing = route.onResponse;
    route.onResponse = existing ? [...(Array.isArray(existing) ? existing : [existing]), record] : [record];
  });
  // What no route matched (a 404, or a page of the web app) is counted under one pattern.
  const unmatched = new Map<string, (status: number, seconds: number) => void>();
  app.addHook('onResponse', async (request, reply) => {
    if (!request.is404) return;
    let record = unmatched.get(request.method);
    if (!record) {
      record = metrics.httpRoute(request.method, 'unmatched');
      unmatched.set(request.method, record);
    }
    record(reply.statusCode, reply.elapsedTime / 1000);
  });
}
