import { Validator } from '@seriousme/openapi-schema-validator';
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

let t: TestApp;
// Ledger endpoints need the finance or administrator role: these tests call them as the administrator.
const inject = (options: InjectOptions) =>
  t.app.inject({ ...options, headers: { ...asAdmin, ...options.headers } });
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('platform endpoints', () => {
  it('answers /healthz', async () => {
    const response = await inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', database: t.platform.driver });
  });

  it('serves a valid OpenAPI 3.1 document that lists every route', async () => {
    const response = await inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const documented = new Set(
      Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const routes = t.app
      .printRoutes({ commonPrefix: false, method: undefined })
      .split('\n')
      .filter((line) => line.includes('(') && !line.includes('/docs') && !line.includes('openapi.json'));
    expect(routes.length).toBeGreaterThan(0);
    for (const route of [
      'GET /healthz',
      'POST /v1/ledger/accounts',
      'POST /v1/ledger/transfers',
      'GET /v1/ledger/accounts/:id',
      'GET /v1/ledger/accounts/:id/transfers',
      'GET /v1/ledger/accounts/:id/history',
      'GET /v1/ledger/accounts/:id/balance',
    ]) {
      expect(documented).toContain(route);
    }
  });

  it('serves interactive API docs at /docs', async () => {
    const response = await inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger');
  });

  it('echoes a given request id and makes one up otherwise', async () => {
    const given = await inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a coded 404', async () => {
    const response = await inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('route_not_found');
  });

  it('turns an unexpected error into a 500 that carries no stack trace or internals', async () => {
    const app = await buildApp(t.platform);
    app.get('/boom', { config: { auth: 'public' } }, async () => {
      throw new Error('secret internal detail at /srv/netfin/src/x.ts:12');
    });
    await app.ready();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    await app.close();
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('internal_error');
    expect(response.body).not.toContain('secret');
    expect(response.body).not.toContain('.ts');
    expect(response.body).not.toMatch(/\bat\s+\S+\s+\(/);
  });
});

describe('idempotency keys', () => {
  const accountsBody = (id: string) => ({ accounts: [{ id, ledger: 'CNY', code: 2001 }] });

  async function accountCount(): Promise<bigint> {
    const rows = await sql<{ n: bigint }>`select count(*)::int8 as n from ledger_accounts`.execute(
      t.platform.db,
    );
    return rows.rows[0]!.n;
  }

  it('replays the first response for the same key and body, without applying twice', async () => {
    const request = {
      method: 'POST' as const,
      url: '/v1/ledger/transfers',
      headers: { 'idempotency-key': 'replay-1' },
    };
    await inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      payload: {
        accounts: [
          { id: 'idem-src', ledger: 'CNY', code: 9001 },
          { id: 'idem-dst', ledger: 'CNY', code: 2001 },
        ],
      },
    });
    const body = {
      transfers: [
        {
          id: 'idem-t1',
          debitAccountId: 'idem-src',
          creditAccountId: 'idem-dst',
          amount: '10.00',
          ledger: 'CNY',
          code: 1,
        },
      ],
    };
    const first = await inject({ ...request, payload: body });
    const second = await inject({ ...request, payload: body });
    expect(first.statusCode).toBe(200);
    expect(first.json().results[0].result).toBe('ok');
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    // Without the key, the ledger's own idempotency answers `exists`: proof the replay did not reach it.
    const third = await inject({ method: 'POST', url: '/v1/ledger/transfers', payload: body });
    expect(third.json().results[0].result).toBe('exists');
  });

  it('refuses the same key with a different body', async () => {
    const before = await accountCount();
    const first = await inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: { 'idempotency-key': 'k-2' },
      payload: accountsBody('idem-a'),
    });
    expect(first.statusCode).toBe(200);
    const second = await inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: { 'idempotency-key': 'k-2' },
      payload: accountsBody('idem-b'),
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('idempotency_key_reused');
    expect(await accountCount()).toBe(before + 1n);
  });

  it('saves nothing for a request that fails validation, as Stripe does, so the key can carry the corrected request', async () => {
    const bad = { accounts: [{ id: 'idem-fixed', ledger: 'CNY', code: 0 }] };
    const first = await inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: { 'idempotency-key': 'k-4xx' },
      payload: bad,
    });
    expect(first.statusCode).toBe(400);
    const fixed = { accounts: [{ id: 'idem-fixed', ledger: 'CNY', code: 2001 }] };
    const second = await inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: { 'idempotency-key': 'k-4xx' },
      payload: fixed,
    });
    expect(second.statusCode).toBe(200);
    expect(second.json().results[0].result).toBe('ok');
  });

  it('answers 409 idempotency_key_in_use while the first request is in flight, and lets a lapsed claim be taken over', async () => {
    const { idempotencyHash } = await import('../../src/api/idempotency.ts');
    const payload = JSON.stringify(accountsBody('idem-inflight'));
    const hash = idempotencyHash('POST', '/v1/ledger/accounts', payload);
    await sql`insert into idempotency_keys (scope, key, request_hash, state, locked_until)
              values ('admin-token', 'k-flight', ${hash}, 'in_flight', now() + interval '1 minute')`.execute(
      t.platform.db,
    );
    const busy = await inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: { 'idempotency-key': 'k-flight', 'content-type': 'application/json' },
      payload,
    });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.code).toBe('idempotency_key_in_use');
    await sql`update idempotency_keys set locked_until = now() - interval '1 second' where key = 'k-flight'`.execute(
      t.platform.db,
    );
    const retry = await inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: { 'idempotency-key': 'k-flight', 'content-type': 'application/json' },
      payload,
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().results[0].result).toBe('ok');
  });

  it('refuses a malformed key', async () => {
    const response = await inject({
      method: 'POST',
      url: '/v1/ledger/accounts',
      headers: { 'idempotency-key': 'x'.repeat(256) },
      payload: accountsBody('never'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('idempotency_key_invalid');
  });

  it('keeps keys for 24 hours and purges them after', async () => {
    const { purgeIdempotencyKeys } = await import('../../src/api/idempotency.ts');
    await sql`insert into idempotency_keys (scope, key, request_hash, state, created_at)
              values ('admin-token', 'old', 'h', 'completed', now() - interval '25 hours'),
                     ('admin-token', 'young', 'h', 'completed', now() - interval '23 hours')`.execute(
      t.platform.db,
    );
    await purgeIdempotencyKeys(t.platform.db, 24);
    const left = await sql<{
      key: string;
    }>`select key from idempotency_keys where key in ('old', 'young')`.execute(t.platform.db);
    expect(left.rows.map((r) => r.key)).toEqual(['young']);
  });
});

describe('security headers and demo mode', () => {
  it('marks API answers no-store and nosniff, with a referrer policy, the sign-in that returns a token too', async () => {
    const user = await signUp(t);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: user.phone, password: user.password },
    });
    expect(signIn.statusCode).toBe(200);
    const profile = await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers });
    const refused = await t.app.inject({ method: 'GET', url: '/v1/admin/users' });
    for (const response of [signIn, profile, refused]) {
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('same-origin');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('serves the dev inbox only where the configuration allows it (a loopback address)', async () => {
    const user = await signUp(t);
    const served = await t.app.inject({ method: 'GET', url: `/v1/dev/inbox?phone=${user.phone}` });
    expect(served.statusCode).toBe(200);
    const app = await buildApp({ ...t.platform, config: { ...t.platform.config, demoInbox: false } });
    await app.ready();
    const hidden = await app.inject({ method: 'GET', url: `/v1/dev/inbox?phone=${user.phone}` });
    await app.close();
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('route_not_found');
  });
});
