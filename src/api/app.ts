import helmet from '@fastify/helmet';
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
import { PERMISSIONS } from '../identity/index.ts';
import { isStorableText, uuidv7 } from '../kernel/index.ts';
import { installAuth, registerPublicPlugin, routeAuthOf } from './auth.ts';
import { installErrorHandling, installNotFound, sendError } from './errors.ts';
import { installIdempotency } from './idempotency.ts';
import { type RequestLogStyle, requestLogController } from './request-log.ts';
import { adminRoutes } from './routes/admin.ts';
import { amlRoutes } from './routes/aml.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { batchRoutes } from './routes/batch.ts';
import { collectionRoutes } from './routes/collections.ts';
import { complianceRoutes } from './routes/compliance.ts';
import { contractRoutes } from './routes/contracts.ts';
import { creditRoutes } from './routes/credit.ts';
import { creditPurchasesRoutes } from './routes/credit-purchases.ts';
import { creditStaffRoutes } from './routes/credit-staff.ts';
import { creditStatementsRoutes } from './routes/credit-statements.ts';
import { crmCampaignRoutes } from './routes/crm-campaigns.ts';
import { crmInboxRoutes } from './routes/crm-inbox.ts';
import { crmPipelineRoutes } from './routes/crm-pipeline.ts';
import { crmPortraitRoutes } from './routes/crm-portraits.ts';
import { crowdfundingRoutes } from './routes/crowdfunding.ts';
import { crowdfundingAfterRoutes } from './routes/crowdfunding-after.ts';
import { crowdfundingImageRoutes } from './routes/crowdfunding-images.ts';
import { crowdfundingStaffRoutes } from './routes/crowdfunding-staff.ts';
import { healthRoutes } from './routes/health.ts';
import { identityRoutes } from './routes/identity.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { lendingRoutes } from './routes/lending.ts';
import { lendingAccountRoutes } from './routes/lending-accounts.ts';
import { lendingStaffRoutes } from './routes/lending-staff.ts';
import { lendingStaffLoanRoutes } from './routes/lending-staff-loans.ts';
import { merchantRoutes } from './routes/merchant.ts';
import { installRequestMetrics, metricsRoutes } from './routes/metrics.ts';
import { paymentOperationsRoutes } from './routes/payment-operations.ts';
import { paymentRoutes } from './routes/payments.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { riskRoutes } from './routes/risk.ts';
import { riskReviewRoutes } from './routes/risk-reviews.ts';
import { screeningRoutes } from './routes/screening.ts';
import { wealthCalendarRoutes } from './routes/wealth-calendar.ts';
import { wealthFixedRoutes } from './routes/wealth-fixed.ts';
import { wealthFundRoutes } from './routes/wealth-funds.ts';
import { wealthMmfRoutes } from './routes/wealth-mmf.ts';
import { wealthMmfOpsRoutes } from './routes/wealth-mmf-ops.ts';
import { wealthProductRoutes } from './routes/wealth-products.ts';
import { installWebApp, WEB_CSP, type WebAppSource } from './web.ts';

export interface AppOptions {
  /** pino options, or false for no logging (tests). */
  readonly logger?: FastifyServerOptions['logger'];
  /** How each request is logged (request-log.ts); Fastify's JSON records by default. */
  readonly requestLog?: RequestLogStyle;
  /**
   * Serve the built web app from this folder, or from a build still running (`netfin start` passes
   * web/dist); off by default.
   */
  readonly web?: string | WebAppSource;
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

/** Path and query values that PostgreSQL could not store (a NUL, an unpaired surrogate) are refused. */
function storableValues(values: unknown): boolean {
  if (values === null || typeof values !== 'object') return true;
  return Object.values(values).every((value) =>
    Array.isArray(value) ? value.every((item) => storable(item, 1)) : storable(value, 1),
  );
}

/**
 * The OpenAPI document says who may call each operation: `x-netfin-auth` carries the route's own
 * declaration (and the roles it admits), and a public operation needs no credentials.
 */
function describeAuth(
  input: Parameters<typeof jsonSchemaTransform>[0],
): ReturnType<typeof jsonSchemaTransform> {
  const transformed = jsonSchemaTransform(input);
  const auth = routeAuthOf(input.route);
  if (auth === undefined) return transformed;
  const schema = { ...(transformed.schema as Record<string, unknown>) };
  if (auth === 'public') {
    schema.security = [];
    schema['x-netfin-auth'] = { access: 'public' };
  } else if (auth === 'signed_in') {
    schema['x-netfin-auth'] = { access: 'signed_in' };
  } else {
    schema['x-netfin-auth'] = {
      access: 'permission',
      permission: auth.permission,
      roles: [...PERMISSIONS[auth.permission]],
    };
  }
  return { ...transformed, schema } as ReturnType<typeof jsonSchemaTransform>;
}

/** Secrets and personal data never reach the log. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'req.headers["x-netfin-internal"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
];

export async function buildApp(platform: Platform, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: requestLogController(options.requestLog ?? 'fields'),
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
    // A URL the router cannot decode (bad percent-encoding) is refused before any hook runs: answer it
    // in netfin's error shape, with the headers the hooks would have added.
    frameworkErrors: (error, _request, reply) => {
      reply.header('x-content-type-options', 'nosniff').header('cache-control', 'no-store');
      if (error.code === 'FST_ERR_BAD_URL')
        return sendError(
          reply,
          400,
          'malformed_url',
          'the URL is malformed (its percent-encoding is not UTF-8)',
        );
      return sendError(reply, 400, 'malformed_request', 'the request is malformed');
    },
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
  // Security headers on every response (the web app's policy for pages; JSON cannot run scripts).
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: WEB_CSP },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  // Before any route: every route registered from here on must declare who may call it. After the
  // headers, so that a refusal carries them too.
  installAuth(app, platform);
  // Every route registered from here on is counted by its pattern and status (GET /metrics).
  installRequestMetrics(app, platform.metrics);
  // API answers carry tokens and personal data: no cache, shared or private, may keep them.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.is404 && request.routeOptions.config.auth !== undefined && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('preValidation', async (request, reply) => {
    if (!storableValues(request.params) || !storableValues(request.query)) {
      return sendError(
        reply,
        400,
        'text_malformed',
        'a path or query value holds a NUL character or an unpaired surrogate, which cannot be stored',
      );
    }
  });

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
          name: 'wealth',
          description:
            'Wealth management: the money-market fund, distributed mutual funds, fixed-term products, the trading calendar',
        },
        {
          name: 'crowdfunding',
          description:
            'Crowdfunding: projects funded by many backers, all or nothing, with rewards, refunds and milestone payouts',
        },
        {
          name: 'crm',
          description: 'CRM: portraits and classes, the pipeline, channels, campaigns and referrals',
        },
        {
          name: 'ledger',
          description: 'The double-entry ledger: accounts and transfers (finance and administrators)',
        },
      ],
    },
    transform: describeAuth,
    transformObject: jsonSchemaTransformObject,
  });
  await registerPublicPlugin(app, swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());

  installIdempotency(app, platform.db);

  await app.register(healthRoutes(platform));
  await app.register(metricsRoutes(platform));
  await app.register(identityRoutes(platform), { prefix: '/v1' });
  await app.register(adminRoutes(platform), { prefix: '/v1/admin' });
  await app.register(ledgerRoutes(platform), { prefix: '/v1/ledger' });
  await app.register(paymentRoutes(platform), { prefix: '/v1' });
  await app.register(merchantRoutes(platform), { prefix: '/v1' });
  await app.register(paymentOperationsRoutes(platform), { prefix: '/v1' });
  await app.register(riskRoutes(platform), { prefix: '/v1/risk' });
  await app.register(riskReviewRoutes(platform), { prefix: '/v1/risk' });
  await app.register(lendingRoutes(platform), { prefix: '/v1' });
  await app.register(creditRoutes(platform), { prefix: '/v1' });
  await app.register(creditPurchasesRoutes(platform), { prefix: '/v1' });
  await app.register(creditStatementsRoutes(platform), { prefix: '/v1' });
  await app.register(creditStaffRoutes(platform), { prefix: '/v1' });
  await app.register(complianceRoutes(platform), { prefix: '/v1' });
  await app.register(contractRoutes(platform), { prefix: '/v1' });
  await app.register(amlRoutes(platform), { prefix: '/v1' });
  await app.register(screeningRoutes(platform), { prefix: '/v1' });
  await app.register(privacyRoutes(platform), { prefix: '/v1' });
  await app.register(lendingAccountRoutes(platform), { prefix: '/v1' });
  await app.register(lendingStaffRoutes(platform), { prefix: '/v1' });
  await app.register(lendingStaffLoanRoutes(platform), { prefix: '/v1' });
  await app.register(batchRoutes(platform), { prefix: '/v1/batch' });
  await app.register(analyticsRoutes(platform), { prefix: '/v1' });
  await app.register(crmPortraitRoutes(platform), { prefix: '/v1' });
  await app.register(collectionRoutes(platform), { prefix: '/v1' });
  await app.register(crmPipelineRoutes(platform), { prefix: '/v1' });
  await app.register(wealthCalendarRoutes(platform), { prefix: '/v1' });
  await app.register(wealthProductRoutes(platform), { prefix: '/v1' });
  await app.register(wealthMmfRoutes(platform), { prefix: '/v1' });
  await app.register(wealthMmfOpsRoutes(platform), { prefix: '/v1' });
  await app.register(wealthFundRoutes(platform), { prefix: '/v1' });
  await app.register(wealthFixedRoutes(platform), { prefix: '/v1' });
  await app.register(crowdfundingRoutes(platform), { prefix: '/v1' });
  await app.register(crowdfundingStaffRoutes(platform), { prefix: '/v1' });
  await app.register(crowdfundingAfterRoutes(platform), { prefix: '/v1' });
  await app.register(crowdfundingImageRoutes(platform), { prefix: '/v1' });
  await app.register(crmCampaignRoutes(platform), { prefix: '/v1' });
  await app.register(crmInboxRoutes(platform), { prefix: '/v1' });
  installNotFound(app, options.web ? await installWebApp(app, options.web) : undefined);
  return app;
}
