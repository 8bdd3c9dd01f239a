import { timingSafeEqual } from 'node:crypto';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginCallback,
  FastifyPluginOptions,
  FastifyReply,
  FastifyRequest,
  RouteOptions,
} from 'fastify';
import type { Platform } from '../app/platform.ts';
import {
  ADMIN_TOKEN,
  ANONYMOUS,
  actorId,
  allows,
  PERMISSIONS,
  type Permission,
  type Principal,
} from '../identity/index.ts';
import { DomainError } from '../kernel/index.ts';
import { sendError } from './errors.ts';

/**
 * Who is calling, and may they? Every request gets a principal (from a bearer token, the session
 * cookie, or NETFIN_ADMIN_TOKEN). Every route declares who may call it in `config.auth`, and access
 * is decided from the matched route's own declaration, never from the text of the URL: the router
 * decodes `%76` to `v`, collapses nothing and matches what it matches, and whatever it matched is what
 * the declaration guards. A route that declares nothing stops the server at start, wherever it lives.
 * The decision is taken in onRequest, before the body is read.
 */
export type RouteAuth = 'public' | 'signed_in' | { readonly permission: Permission };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

export const SESSION_COOKIE = 'netfin_session';

/** Marks an encapsulated scope whose routes, all registered by a third-party plugin, are public. */
const PUBLIC_SCOPE = Symbol('netfin.publicScope');

function isRouteAuth(value: unknown): value is RouteAuth {
  if (value === 'public' || value === 'signed_in') return true;
  if (value === null || typeof value !== 'object') return false;
  const permission = (value as { permission?: unknown }).permission;
  return typeof permission === 'string' && Object.hasOwn(PERMISSIONS, permission);
}

/** The session cookie's value; a malformed one (bad percent-encoding) counts as no cookie at all. */
function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

/**
 * Registers a third-party plugin (the API docs' pages, the web app's files) whose routes cannot
 * carry netfin's declaration: every route it adds is declared public. Nothing else may be.
 */
export async function registerPublicPlugin<Options extends FastifyPluginOptions>(
  app: FastifyInstance,
  plugin: FastifyPluginCallback<Options> | FastifyPluginAsync<Options>,
  options: Options,
): Promise<void> {
  await app.register(async (scope) => {
    (scope as unknown as Record<symbol, boolean>)[PUBLIC_SCOPE] = true;
    await scope.register(plugin as FastifyPluginAsync<Options>, options);
  });
}

/** The declaration of a route, as the OpenAPI document and the tests read it. */
export function routeAuthOf(route: Pick<RouteOptions, 'config'>): RouteAuth | undefined {
  return (route.config as { auth?: RouteAuth } | undefined)?.auth;
}

/**
 * Installs authentication and authorisation. Call it before any route is registered: the check
 * that every route declares who may call it applies to the routes registered after it.
 */
export function installAuth(app: FastifyInstance, platform: Platform): void {
  app.decorateRequest('principal', null as unknown as Principal);

  app.addHook('onRoute', function declared(this: FastifyInstance, route) {
    const config = (route.config ?? {}) as { auth?: unknown };
    if (config.auth === undefined && (this as unknown as Record<symbol, boolean>)[PUBLIC_SCOPE]) {
      route.config = { ...config, auth: 'public' };
      return;
    }
    if (!isRouteAuth(config.auth)) {
      throw new Error(
        `route ${String(route.method)} ${route.url} must declare config.auth ('public', 'signed_in' or { permission }), got ${JSON.stringify(config.auth)}`,
      );
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const bearer =
      typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer ?? cookie(request, SESSION_COOKIE);
    let principal: Principal = ANONYMOUS;
    if (token) {
      const admin = platform.config.adminToken;
      if (admin && sameSecret(token, admin)) principal = ADMIN_TOKEN;
      else principal = (await platform.identity.resolveSession(token)) ?? ANONYMOUS;
      if (principal === ANONYMOUS && bearer) request.log.info('a bearer token that is not valid');
    }
    request.principal = principal;
    request.principalId = actorId(principal);

    // No route matched: the not-found handler answers (a 404, or a page of the web app), which
    // serves nothing that needs permission.
    if (request.is404) return;
    const auth = request.routeOptions.config.auth;
    // Unreachable while the start-up check holds; refused rather than trusted if it ever is reached.
    if (!isRouteAuth(auth)) {
      request.log.error({ route: request.routeOptions.url }, 'a route without config.auth was reached');
      return sendError(reply, 403, 'permission_denied', 'this route declares no access');
    }
    if (auth === 'public') return;
    if (principal.kind === 'anonymous') {
      return sendError(
        reply,
        401,
        'authentication_required',
        'sign in first (a session cookie or a bearer token)',
      );
    }
    if (auth === 'signed_in') return;
    if (!allows(principal.roles, auth.permission)) {
      await platform.identity.audit(
        { principal, ip: request.ip },
        {
          action: 'security.permission_denied',
          details: { permission: auth.permission, route: `${request.method} ${request.routeOptions.url}` },
        },
      );
      return sendError(reply, 403, 'permission_denied', `this needs the ${auth.permission} permission`);
    }
  });
}

/** The signed-in user's id; routes declared 'signed_in' for users only call it. */
export function userIdOf(request: FastifyRequest): string {
  const id = request.principal.userId;
  if (!id) {
    // The admin token is no user: it cannot have a wallet, cards or sessions.
    throw new DomainError('user_required', 'forbidden', 'this needs a signed-in user, not the admin token');
  }
  return id;
}
