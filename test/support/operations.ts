import type { TestApp } from './platform.ts';

/**
 * The operations of the OpenAPI document, read from the running app, so that a test walking them
 * covers a new route the day it is added.
 */
export interface Operation {
  readonly method: string;
  readonly path: string;
  /** "METHOD /path/{param}" */
  readonly key: string;
  /** The route's declaration as the document publishes it (`x-netfin-auth`). */
  readonly auth: { access: 'public' | 'signed_in' | 'permission'; permission?: string; roles?: string[] };
  readonly operation: Record<string, unknown>;
}

export async function operationsOf(t: Pick<TestApp, 'app'>): Promise<Operation[]> {
  const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  const document = response.json() as { paths: Record<string, Record<string, Record<string, unknown>>> };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      key: `${method.toUpperCase()} ${path}`,
      auth: operation['x-netfin-auth'] as Operation['auth'],
      operation,
    })),
  );
}

/** A value for every path parameter: an id of the right shape that names nothing. */
export const NO_SUCH_ID = '01999999-9999-7999-8999-999999999999';
export const concrete = (path: string, value = NO_SUCH_ID) => path.replace(/\{[^}]+\}/g, value);

/**
 * What anyone may call without signing in, written out by hand so that a route that becomes public
 * by mistake fails the tests rather than joining the list.
 */
export const PUBLIC_OPERATIONS = new Set([
  'GET /healthz',
  // Readiness for a load balancer: whether the database answers with the expected schema, nothing more.
  'GET /readyz',
  'POST /v1/auth/sms-codes',
  'POST /v1/auth/sign-up',
  'POST /v1/auth/sign-in',
  'POST /v1/auth/password-reset',
  'GET /v1/dev/inbox',
  'GET /v1/dev/demo-accounts',
  // Who is signed in: null for nobody, so that the web app's first request is no failure.
  'GET /v1/session',
  // Authenticated by the channel's signature over the body instead of a session.
  'POST /v1/payments/channels/{channel}/notify',
  // CRM: the inbox adapters' inbound messages, signed by the adapter's secret instead of a session.
  'POST /v1/crm/inbox/adapters/{name}/inbound',
  // What anyone may read before signing up: the questionnaire, products, schedules, the markets.
  'GET /v1/risk-questionnaire',
  'GET /v1/lending/products',
  'GET /v1/lending/products/{id}',
  'GET /v1/lending/schedule-preview',
  'GET /v1/lending/listings',
  'GET /v1/lending/listings/{id}',
  'GET /v1/lending/note-listings',
  'GET /v1/lending/note-listings/{id}',
  // The platform's figures on the public home page: totals and ratios, nothing about any one person.
  'GET /v1/lending/platform-figures',
  // The public disclosure (信息披露): the figures of the last day-close, nothing about any one person.
  'GET /v1/disclosure',
  // Crowdfunding's public pages: live projects and their progress, never who backed them.
  'GET /v1/crowdfunding/categories',
  'GET /v1/crowdfunding/projects',
  'GET /v1/crowdfunding/projects/{id}',
  'GET /v1/crowdfunding/projects/{id}/updates',
  'GET /v1/crowdfunding/projects/{id}/comments',
  // A project's pictures: public once the project is, its creator's and staff's before that.
  'GET /v1/crowdfunding/images/{id}',
]);
