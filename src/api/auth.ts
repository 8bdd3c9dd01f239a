import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../app/platform.ts';
import {
  ADMIN_TOKEN,
  ANONYMOUS,
  actorId,
  allows,
  type Permission,
  type Principal,
} from '../identity/index.ts';
import { DomainError } from '../kernel/index.ts';
import { sendError } from './errors.ts';

/**
 * Who is calling, and may they? Every request gets a principal (from a bearer token, the session
 * cookie, or NETFIN_ADMIN_TOKEN); every /v1 route declares who may call it in `config.auth`, checked
 * before the body is even validated. A route that does not declare it stops the server at start.
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

function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name)
      return decodeURIComponent(part.slice(index + 1).trim());
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

export function installAuth(app: FastifyInstance, platform: Platform): void {
  app.decorateRequest('principal', null as unknown as Principal);

  // Every /v1 route must say who may call it; one that does not is a bug, caught at start.
  app.addHook('onRoute', (route) => {
    const config = route.config as { auth?: RouteAuth } | undefined;
    if (route.url.startsWith('/v1/') && config?.auth === undefined) {
      throw new Error(`route ${route.method} ${route.url} does not declare config.auth`);
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
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
  });

  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/v1/')) return;
    const auth = request.routeOptions.config.auth;
    if (auth === undefined)
      return sendError(
        reply,
        404,
        'route_not_found',
        `no route for ${request.method} ${request.url.split('?')[0]}`,
      );
    if (auth === 'public') return;
    const principal = request.principal;
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
