import { Agent, request as httpRequest } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAuth, registerPublicPlugin } from '../../src/api/auth.ts';
import { PERMISSIONS, type Permission, type Role, STAFF_ROLES } from '../../src/identity/index.ts';
import { concrete, type Operation, operationsOf, PUBLIC_OPERATIONS } from '../support/operations.ts';
import { ADMIN_TOKEN, asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { newPhone, signUp } from '../support/users.ts';

/**
 * Every operation of the OpenAPI document, called by every kind of caller (nobody, a customer, a
 * merchant, each staff role, the admin token), and with its path written in the other ways a router
 * or a proxy might read it. Access is decided by the matched route's declaration: only the roles it
 * admits get through, however the path is spelt.
 */
let t: TestApp;
let base: string;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

interface Caller {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly headers: Record<string, string>;
}
const callers: Caller[] = [];

beforeAll(async () => {
  t = await openTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;

  callers.push({ name: 'nobody', roles: [], headers: {} });
  const customer = await signUp(t);
  callers.push({ name: 'customer', roles: ['customer'], headers: customer.headers });
  const merchant = await signUp(t);
  await t.platform.db
    .transaction()
    .execute((trx) => t.platform.identity.users.grantRole(trx, merchant.userId, 'merchant', 'test'));
  callers.push({ name: 'merchant', roles: ['customer', 'merchant'], headers: merchant.headers });
  for (const role of STAFF_ROLES) {
    const phone = newPhone();
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/staff',
      headers: asAdmin,
      payload: { phone, password: 'staff-pass-123', displayName: `Staff ${role}`, roles: [role] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone, password: 'staff-pass-123' },
    });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    callers.push({
      name: role,
      roles: [role],
      headers: { authorization: `Bearer ${signedIn.json().token}` },
    });
  }
  callers.push({
    name: 'admin token',
    roles: ['admin'],
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
});
afterAll(async () => {
  agent.destroy();
  await t.close();
});

/** Sends a request exactly as written: no client-side normalisation of the path. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}/`,
      {
        method,
        path,
        agent,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = JSON.parse(text)?.error?.code;
          } catch {
            code = undefined;
          }
          resolve({ status: res.statusCode ?? 0, code });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Who the operation's declaration admits, by the one table of permissions. */
function admits(operation: Operation, caller: Caller): boolean {
  if (operation.auth.access === 'public') return true;
  if (caller.name === 'nobody') return false;
  if (operation.auth.access === 'signed_in') return true;
  const allowed: readonly Role[] = PERMISSIONS[operation.auth.permission as Permission];
  return caller.roles.some((role) => allowed.includes(role));
}

/**
 * A body that no operation's schema accepts (a JSON array where objects are expected) and an
 * Idempotency-Key that is refused before any handler runs: a caller who is let through gets a 400
 * or a 404, and nothing is written, so that the walk changes no state.
 */
const HARMLESS = { body: '[]', headers: { 'idempotency-key': 'not a valid key' } };

describe('the declaration of every route', () => {
  it('is published with each operation, and the public ones are exactly the expected few', async () => {
    const operations = await operationsOf(t);
    expect(operations.length).toBeGreaterThan(100);
    for (const operation of operations) {
      expect(operation.auth, operation.key).toBeDefined();
      expect(['public', 'signed_in', 'permission'], operation.key).toContain(operation.auth.access);
      if (operation.auth.access === 'permission') {
        expect(Object.keys(PERMISSIONS), operation.key).toContain(operation.auth.permission);
        expect(operation.auth.roles).toEqual([...PERMISSIONS[operation.auth.permission as Permission]]);
      }
      if (operation.auth.access === 'public') expect(operation.operation.security).toEqual([]);
    }
    const publicOnes = operations.filter((o) => o.auth.access === 'public').map((o) => o.key);
    expect(new Set(publicOnes)).toEqual(PUBLIC_OPERATIONS);
    // The most dangerous operations, checked against what they must declare, not what they do declare.
    const declared = new Map(operations.map((o) => [o.key, o.auth.permission]));
    expect(declared.get('POST /v1/admin/staff')).toBe('staff:manage');
    expect(declared.get('PUT /v1/admin/users/{id}/roles')).toBe('staff:manage');
    expect(declared.get('GET /v1/admin/users')).toBe('users:read');
    expect(declared.get('POST /v1/ledger/transfers')).toBe('ledger:write');
    expect(declared.get('POST /v1/batch/day-close')).toBe('batch:operate');
  });
});

describe('a route that declares nothing', () => {
  it('stops the server at start, wherever it is mounted; a third-party plugin is public only when registered so', async () => {
    for (const url of ['/v1/undeclared', '/undeclared', '/%76/x']) {
      const app = Fastify();
      installAuth(app, t.platform);
      expect(() => app.get(url, async () => 'open'), url).toThrow(/must declare config.auth/);
      await app.close();
    }
    const wrong = Fastify();
    installAuth(wrong, t.platform);
    expect(() =>
      wrong.get(
        '/v1/typo',
        { config: { auth: { permission: 'ledger:wirte' } as never } },
        async () => 'open',
      ),
    ).toThrow(/must declare config.auth/);
    await wrong.close();

    const app = Fastify();
    installAuth(app, t.platform);
    await registerPublicPlugin(
      app,
      async (plugin: FastifyInstance) => {
        plugin.get('/plugin-page', async () => 'public page');
      },
      {},
    );
    app.get('/v1/guarded', { config: { auth: { permission: 'ledger:read' } } }, async () => 'secret');
    await app.ready();
    expect((await app.inject({ url: '/plugin-page' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/guarded' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/%761/guarded' })).statusCode).toBe(401);
    await app.close();
  });
});

describe('every operation with every caller', () => {
  it('lets through exactly the callers the route admits', async () => {
    const operations = await operationsOf(t);
    const wrong: string[] = [];
    let denied = 0;
    for (const operation of operations) {
      const withBody = operation.method === 'POST' || operation.method === 'PUT';
      await Promise.all(
        callers.map(async (caller) => {
          const answer = await raw(
            operation.method,
            concrete(operation.path),
            { ...caller.headers, ...HARMLESS.headers },
            withBody ? HARMLESS.body : undefined,
          );
          const refused = answer.code === 'authentication_required' || answer.code === 'permission_denied';
          const expectRefusal = !admits(operation, caller);
          if (expectRefusal) denied++;
          const expectedCode = caller.name === 'nobody' ? 'authentication_required' : 'permission_denied';
          if (expectRefusal ? answer.code !== expectedCode : refused || answer.status >= 500)
            wrong.push(`${caller.name} ${operation.key}: ${answer.status} ${answer.code}`);
        }),
      );
    }
    expect(wrong).toEqual([]);
    expect(denied).toBeGreaterThan(500);
  });
});

/** The ways a path can be respelt; each yields undefined where it does not apply to the path. */
const RESPELLINGS: Record<string, (path: string) => string | undefined> = {
  'the v of v1 percent-encoded': (p) => p.replace(/^\/v1\//, '/%761/'),
  'a letter in lower-case percent-encoding': (p) =>
    p.replace(/^(\/v1\/)([a-z])/, (_m, prefix, letter) => `${prefix}%${letter.charCodeAt(0).toString(16)}`),
  'every letter percent-encoded': (p) =>
    p.replace(/[a-z]/g, (letter) => `%${letter.charCodeAt(0).toString(16).toUpperCase()}`),
  'a slash percent-encoded': (p) => p.replace(/^\/v1\//, '/v1%2F'),
  'a slash in lower-case percent-encoding': (p) => p.replace(/^\/v1\//, '/v1%2f'),
  'a doubled slash at the start': (p) => `/${p}`,
  'a doubled slash inside': (p) => p.replace(/^\/v1\//, '/v1//'),
  'a trailing slash': (p) => `${p}/`,
  'a /./ segment': (p) => p.replace(/^\/v1\//, '/v1/./'),
  'a .. segment': (p) => p.replace(/^\/v1\//, '/v1/x/../'),
  'an encoded .. segment': (p) => p.replace(/^\/v1\//, '/v1/x/%2e%2e/'),
  'upper case': (p) => p.toUpperCase(),
  'upper case prefix': (p) => p.replace(/^\/v1\//, '/V1/'),
  'a query string that looks like a path': (p) => `${p}?/v1/session`,
  'a semicolon parameter': (p) => p.replace(/^\/v1\//, '/v1;x=1/'),
};

describe('every protected operation, with its path spelt otherwise', () => {
  it('is refused to nobody and to a customer, whichever spelling the router accepts', async () => {
    const operations = (await operationsOf(t)).filter((o) => o.auth.access !== 'public');
    const nobody = callers[0]!;
    const customer = callers[1]!;
    const wrong: string[] = [];
    let routedAndRefused = 0;
    for (const operation of operations) {
      const path = concrete(operation.path);
      const withBody = operation.method === 'POST' || operation.method === 'PUT';
      const tries = Object.entries(RESPELLINGS).flatMap(([name, respell]) => {
        const spelt = respell(path);
        return spelt === undefined || spelt === path ? [] : [{ name, spelt }];
      });
      await Promise.all(
        tries.flatMap(({ name, spelt }) =>
          [nobody, customer]
            .filter((caller) => !admits(operation, caller))
            .map(async (caller) => {
              const answer = await raw(
                operation.method,
                spelt,
                { ...caller.headers, ...HARMLESS.headers },
                withBody ? HARMLESS.body : undefined,
              );
              // The router either matched the same route (and its declaration refused the caller) or
              // found no route at all; nothing else is acceptable.
              const refusedByRoute =
                answer.code === (caller === nobody ? 'authentication_required' : 'permission_denied');
              const unrouted = answer.status === 404 && answer.code === 'route_not_found';
              const malformed = answer.status === 400 && answer.code === 'malformed_url';
              if (refusedByRoute) routedAndRefused++;
              else if (!unrouted && !malformed)
                wrong.push(
                  `${caller.name} ${operation.method} ${spelt} (${name}): ${answer.status} ${answer.code}`,
                );
            }),
        ),
      );
    }
    expect(wrong).toEqual([]);
    // The router does decode percent-encoded letters and ignores a trailing slash: those spellings
    // reached the route, and the route's declaration refused them.
    expect(routedAndRefused).toBeGreaterThan(operations.length * 2);
  });

  it('refuses the spellings of the reported bypass outright', async () => {
    for (const [method, path, body] of [
      ['GET', '/%761/admin/users', undefined],
      [
        'POST',
        '/%761/admin/staff',
        '{"phone":"13800000000","password":"x12345678","displayName":"x","roles":["admin"]}',
      ],
      ['POST', '/%761/ledger/transfers', '{"transfers":[]}'],
    ] as const) {
      const answer = await raw(method, path, {}, body);
      expect(answer, `${method} ${path}`).toEqual({ status: 401, code: 'authentication_required' });
    }
  });
});
