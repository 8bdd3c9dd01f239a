import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Platform } from '../app/platform.ts';
import { isStorableText, uuidv7 } from '../kernel/index.ts';
import { installAuth } from './auth.ts';
import { installErrorHandling, installNotFound } from './errors.ts';
import { installIdempotency } from './idempotency.ts';
import { adminRoutes } from './routes/admin.ts';
import { batchRoutes } from './routes/batch.ts';
import { collectionRoutes } from './routes/collections.ts';
import { healthRoutes } from './routes/health.ts';
import { identityRoutes } from './routes/identity.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { lendingRoutes } from './routes/lending.ts';
import { lendingAccountRoutes } from './routes/lending-accounts.ts';
import { lendingStaffRoutes } from './routes/lending-staff.ts';
import { merchantRoutes } from './routes/merchant.ts';
import { paymentOperationsRoutes } from './routes/payment-operations.ts';
import { paymentRoutes } from './routes/payments.ts';
import { riskRoutes } from './routes/risk.ts';
import { riskReviewRoutes } from './routes/risk-reviews.ts';
import { installWebApp } from './web.ts';

export interface AppOptions {
  /** pino options, or false for no logging (tests). */
  readonly logger?: FastifyServerOptions['logger'];
  /** Serve the built web app from this folder (`netfin start` passes web/dist); off by default. */
  readonly web?: string;
}

function storable(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (depth > 64) return false;
  if (Array.isArray(value)) return value.every((item) => storable(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).every(([key, item]) => isStorableText(key) && storable(item, depth + 1));
  }
  return true;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Secrets and personal data never reach the log. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
];

export async function buildApp(platform: Platform, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: platform.config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : uuidv7();
    },
    forceCloseConnections: 'idle',
    trustProxy: platform.config.trustProxy,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON only: a text/plain body gets 415 rather than being read as a string.
  app.removeContentTypeParser('text/plain');
  // Keep the raw body: the idempotency hash covers it, and payment notifications are signed over it.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    parseJson(request, body as string, (error, value) => {
      if (error) return done(error);
      // PostgreSQL text holds neither NUL nor unpaired surrogates: refuse them here, for every field.
      if (!storable(value, 0)) {
        return done(Object.assign(new Error('text_malformed'), { statusCode: 400, code: 'text_malformed' }));
      }
      done(null, value);
    });
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  installErrorHandling(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'netfin API',
        version: '0.1.0',
        description:
          'netfin: P2P lending, consumer credit, payments and wealth management on an exact double-entry ledger. ' +
          'Amounts are decimal strings in major units with their currency; every POST honours an Idempotency-Key; ' +
          'every error is `{"error": {"code", "message", "details"}}`.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A session token from sign-in, or NETFIN_ADMIN_TOKEN',
          },
          cookie: { type: 'apiKey', in: 'cookie', name: 'netfin_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
      tags: [
        { name: 'platform', description: 'Health and API documentation' },
        { name: 'identity', description: 'Sign-up, sign-in, sessions, real-name verification, bank cards' },
        { name: 'admin', description: 'Staff, roles and the audit log' },
        {
          name: 'ledger',
          description: 'The double-entry ledger: accounts and transfers (finance and administrators)',
        },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installAuth(app, platform);
  installIdempotency(app, platform.db);

  await app.register(healthRoutes(platform));
  await app.register(identityRoutes(platform), { prefix: '/v1' });
  await app.register(adminRoutes(platform), { prefix: '/v1/admin' });
  await app.register(ledgerRoutes(platform), { prefix: '/v1/ledger' });
  await app.register(paymentRoutes(platform), { prefix: '/v1' });
  await app.register(merchantRoutes(platform), { prefix: '/v1' });
  await app.register(paymentOperationsRoutes(platform), { prefix: '/v1' });
  await app.register(riskRoutes(platform), { prefix: '/v1/risk' });
  await app.register(riskReviewRoutes(platform), { prefix: '/v1/risk' });
  await app.register(lendingRoutes(platform), { prefix: '/v1' });
  await app.register(lendingAccountRoutes(platform), { prefix: '/v1' });
  await app.register(lendingStaffRoutes(platform), { prefix: '/v1' });
  await app.register(batchRoutes(platform), { prefix: '/v1/batch' });
  await app.register(collectionRoutes(platform), { prefix: '/v1' });
  installNotFound(app, options.web ? await installWebApp(app, options.web) : undefined);
  return app;
}
