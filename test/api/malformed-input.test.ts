import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/identity/index.ts';
import { concrete, NO_SUCH_ID, type Operation, operationsOf } from '../support/operations.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { newPhone } from '../support/users.ts';

/**
 * Malformed requests generated for every operation of the OpenAPI document: wrong types, NUL bytes,
 * unpaired surrogates and invalid UTF-8 in every string, huge and over-precise amounts, missing and
 * extra fields, bad path and query values, malformed cookies and headers. None may get a 5xx, and
 * every refusal is netfin's error shape with a code. The caller holds every role, so that each
 * request reaches the route's validation and, where it passes, its handler.
 */
let t: TestApp;
let everyone: Record<string, string>;
const phone = newPhone();
const password = 'every-role-123';

async function signIn(): Promise<void> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-in',
    payload: { phone, password },
  });
  expect(response.statusCode, response.body).toBe(200);
  everyone = { authorization: `Bearer ${response.json().token}` };
}

beforeAll(async () => {
  t = await openTestApp();
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/staff',
    headers: asAdmin,
    payload: { phone, password, displayName: 'Every Role', roles: ['admin'] },
  });
  expect(created.statusCode, created.body).toBe(201);
  await t.platform.db.transaction().execute(async (trx) => {
    for (const role of ROLES)
      await t.platform.identity.users.grantRole(trx, created.json().userId, role, 'malformed-input test');
  });
  await signIn();
});
afterAll(() => t.close());

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  minItems?: number;
  minLength?: number;
  minimum?: number;
};
let components: Record<string, Schema> = {};

function resolved(schema: Schema): Schema {
  if (schema.$ref) return resolved(components[schema.$ref.split('/').pop()!] ?? {});
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice) return resolved(choice.find((s) => resolved(s).type !== 'null') ?? {});
  if (schema.allOf?.length) return resolved(schema.allOf[0]!);
  return schema;
}

const typeOf = (schema: Schema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;

const isMoney = (schema: Schema) =>
  typeOf(schema) === 'object' && !!schema.properties?.amount && !!schema.properties?.currency;

/** A plausible value for a schema: valid often enough that a single mutation reaches deep code. */
function sample(input: Schema, name: string, depth = 0): unknown {
  const schema = resolved(input);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (isMoney(schema)) return { amount: '1.00', currency: 'CNY' };
  switch (typeOf(schema)) {
    case 'object': {
      if (depth > 6) return {};
      const value: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        value[key] = sample(schema.properties?.[key] ?? {}, key, depth + 1);
      }
      return value;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        sample(schema.items ?? {}, name, depth + 1),
      );
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    default:
      if (schema.format === 'uuid') return NO_SUCH_ID;
      if (schema.format === 'date') return '2026-01-05';
      if (schema.format === 'date-time') return '2026-01-05T02:00:00.000Z';
      if (/phone/i.test(name)) return '13800000001';
      if (/amount|price/i.test(name)) return '1.00';
      if (/rate/i.test(name)) return '0.1';
      if (/date/i.test(name)) return '2026-01-05';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}

type Path = (string | number)[];

/** Every leaf of a sample value, with its path and whether it is an amount. */
function leaves(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  return [{ path, value }];
}

function withValue(base: unknown, path: Path, value: unknown, remove = false): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

const LEAF_MUTATIONS: unknown[] = [null, 1e308, true, {}, 'a\u0000b', '\ud800', 'x'.repeat(5000)];
const AMOUNTS = [
  '92233720368547758.07',
  '99999999999999999999999999',
  '1.001',
  '-5',
  '1e3',
  '0x10',
  ' 1',
  '',
];
const INTEGERS = [2 ** 53 + 1, -1, 1.5];

/** The bodies to try for an operation that takes one: raw strings are sent as they are. */
function bodies(schema: Schema): (string | Buffer | unknown)[] {
  const base = sample(schema, 'body');
  const tries: unknown[] = [
    base,
    '{}',
    '[]',
    'null',
    '"text"',
    '1e309',
    '{"a":',
    '{"__proto__":{"x":1}}',
    Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
  ];
  if (base !== null && typeof base === 'object' && !Array.isArray(base))
    tries.push({ ...(base as object), unexpectedField: 1 });
  for (const leaf of leaves(base)) {
    if (leaf.path.length === 0) continue;
    tries.push(withValue(base, leaf.path, undefined, true));
    for (const value of LEAF_MUTATIONS) tries.push(withValue(base, leaf.path, value));
    if (typeof leaf.value === 'string' && /amount|price/i.test(String(leaf.path.at(-1) ?? '')))
      for (const value of AMOUNTS) tries.push(withValue(base, leaf.path, value));
    if (typeof leaf.value === 'number')
      for (const value of INTEGERS) tries.push(withValue(base, leaf.path, value));
    if (typeof leaf.value === 'string') {
      // Invalid UTF-8 inside this very string, sent as raw bytes.
      const marker = '\u0001MARK\u0001';
      const text = JSON.stringify(withValue(base, leaf.path, marker));
      const [before, after] = text.split(JSON.stringify(marker).slice(1, -1));
      tries.push(Buffer.concat([Buffer.from(before!), Buffer.from([0xe0, 0xa4]), Buffer.from(after!)]));
    }
  }
  return tries;
}

const PATH_VALUES = ['%00', '%E0%A4%A', 'x'.repeat(250), '%F0%9F%98%80', '..', '1e309'];
const QUERY_VALUES = ['abc', '1e309', 'true', '-1', '', '%00', '%E0%A4%A', 'x'.repeat(3000)];

interface Attempt {
  readonly what: string;
  readonly options: InjectOptions;
}

function attemptsFor(operation: Operation): Attempt[] {
  const url = concrete(operation.path);
  const method = operation.method as InjectOptions['method'];
  const attempts: Attempt[] = [];
  const jsonBody = (
    operation.operation.requestBody as { content?: Record<string, { schema: Schema }> } | undefined
  )?.content?.['application/json']?.schema;
  const send = (what: string, extra: Partial<InjectOptions>) =>
    attempts.push({ what, options: { method, url, headers: { ...everyone }, ...extra } });

  if (jsonBody) {
    for (const body of bodies(jsonBody)) {
      const payload =
        typeof body === 'string' || Buffer.isBuffer(body) ? body : (JSON.stringify(body) ?? 'null');
      send(`body ${String(payload).slice(0, 120)}`, {
        payload,
        headers: { ...everyone, 'content-type': 'application/json' },
      });
    }
  }
  const names = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  for (const name of names) {
    for (const value of PATH_VALUES) {
      const spelt = operation.path.replace(`{${name}}`, value).replace(/\{[^}]+\}/g, NO_SUCH_ID);
      attempts.push({
        what: `path ${name}=${value.slice(0, 20)}`,
        options: {
          method,
          url: spelt,
          headers: { ...everyone, ...(jsonBody ? { 'content-type': 'application/json' } : {}) },
          ...(jsonBody ? { payload: JSON.stringify(sample(jsonBody, 'body')) } : {}),
        },
      });
    }
  }
  const parameters = (operation.operation.parameters ?? []) as { in: string; name: string }[];
  for (const parameter of parameters.filter((p) => p.in === 'query')) {
    for (const value of QUERY_VALUES)
      send(`query ${parameter.name}=${value.slice(0, 20)}`, { url: `${url}?${parameter.name}=${value}` });
    send(`query ${parameter.name} twice`, { url: `${url}?${parameter.name}=1&${parameter.name}=2` });
  }
  const payload = jsonBody ? { payload: JSON.stringify(sample(jsonBody, 'body')) } : {};
  const json = jsonBody ? { 'content-type': 'application/json' } : {};
  for (const [what, headers] of [
    ['a cookie with bad percent-encoding', { ...json, cookie: 'netfin_session=%E0%A4%A' }],
    ['a cookie with a NUL', { ...json, cookie: 'netfin_session=%00' }],
    ['a huge bearer token', { ...json, authorization: `Bearer ${'x'.repeat(6000)}` }],
    ['a bearer token that is not UTF-8', { ...json, authorization: 'Bearer \u00ff\u00fe' }],
    ['an over-long Idempotency-Key', { ...everyone, ...json, 'idempotency-key': 'k'.repeat(300) }],
    ['JSON declared as UTF-16', { ...everyone, 'content-type': 'application/json; charset=utf-16' }],
  ] as const) {
    attempts.push({ what: `header: ${what}`, options: { method, url, headers, ...payload } });
  }
  return attempts;
}

const ERROR_CODE = /^[a-z][a-z0-9_]*$/;
const STACK = /\bat\s+\S+\s+\(|node_modules|\.ts:\d+/;

describe('malformed input to every operation', () => {
  it('never gets a 5xx, and every refusal is a coded error without internals', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    components = document.components?.schemas ?? {};
    const operations = await operationsOf(t);
    expect(operations.length).toBeGreaterThan(100);
    const failures: string[] = [];
    let sent = 0;
    let refusedAccess = 0;
    for (const operation of operations) {
      for (const attempt of attemptsFor(operation)) {
        const response = await t.app.inject(attempt.options);
        sent++;
        const where = `${operation.key} ${attempt.what}`;
        if (response.statusCode >= 500) {
          failures.push(`${where}: ${response.statusCode} ${response.body.slice(0, 200)}`);
          continue;
        }
        if (STACK.test(response.body)) failures.push(`${where}: internals in ${response.body.slice(0, 200)}`);
        if (response.statusCode >= 400 && response.statusCode !== 404) {
          const code = (() => {
            try {
              return response.json()?.error?.code;
            } catch {
              return undefined;
            }
          })();
          if (typeof code !== 'string' || !ERROR_CODE.test(code))
            failures.push(`${where}: ${response.statusCode} without a code: ${response.body.slice(0, 200)}`);
          const credentialed = !attempt.what.startsWith('header:');
          if (credentialed && (code === 'authentication_required' || code === 'permission_denied'))
            refusedAccess++;
        }
      }
      // A request that signs out, or changes the password, ends the session: take a new one.
      const session = await t.app.inject({ method: 'GET', url: '/v1/session', headers: everyone });
      if (session.json()?.user == null) await signIn();
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(2500);
    // Nearly every request that carried the caller's token went past authentication, so that
    // validation and handlers were tried.
    expect(refusedAccess / sent).toBeLessThan(0.1);
    // Thousands of requests one after another, more with each new route: a minute is too short on a
    // loaded machine. A limit against a hang, not a timing asserted.
  }, 300_000);
});
