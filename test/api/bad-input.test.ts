import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSFER_BATCH_BODY_LIMIT_BYTES } from '../../src/api/routes/ledger-schemas.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';

let t: TestApp;
// Ledger endpoints need the finance or administrator role: these tests call them as the administrator.
const inject = (options: InjectOptions) =>
  t.app.inject({ ...options, headers: { ...asAdmin, ...options.headers } });
beforeAll(async () => {
  t = await openTestApp();
  const setup = await inject({
    method: 'POST',
    url: '/v1/ledger/accounts',
    payload: {
      accounts: [
        { id: 'bad-src', ledger: 'CNY', code: 9001 },
        { id: 'bad-dst', ledger: 'CNY', code: 2001, flags: { debitsMustNotExceedCredits: true } },
      ],
    },
  });
  expect(setup.statusCode).toBe(200);
});
afterAll(() => t.close());

async function stateOfTheWorld(): Promise<string> {
  const rows = await sql<{ s: string }>`
    select concat_ws('|',
      (select count(*) from ledger_accounts), (select count(*) from ledger_transfers),
      (select coalesce(sum(credits_posted), 0) from ledger_accounts), (select count(*) from idempotency_keys)) as s`.execute(
    t.platform.db,
  );
  return rows.rows[0]!.s;
}

const transfer = (overrides: Record<string, unknown>) => ({
  transfers: [
    {
      id: 'bad-t',
      debitAccountId: 'bad-src',
      creditAccountId: 'bad-dst',
      amount: '1.00',
      ledger: 'CNY',
      code: 1,
      ...overrides,
    },
  ],
});
const megabyte = 'x'.repeat(1024 * 1024);

// [name, raw body (string) or JSON value, expected status, expected code]
const cases: [string, string | object, number, string][] = [
  ['malformed JSON', '{"transfers": [', 400, 'malformed_json'],
  ['JSON that is not an object', '[1,2,3]', 400, 'validation_failed'],
  ['an empty body', '', 400, 'body_required'],
  ['transfers not an array', { transfers: 'many' }, 400, 'validation_failed'],
  [
    'a missing field',
    {
      transfers: [{ id: 'x', debitAccountId: 'bad-src', creditAccountId: 'bad-dst', ledger: 'CNY', code: 1 }],
    },
    400,
    'validation_failed',
  ],
  ['an unknown field', transfer({ colour: 'blue' }), 400, 'validation_failed'],
  ['an unknown top-level field', { ...transfer({}), extra: 1 }, 400, 'validation_failed'],
  ['a numeric amount', transfer({ amount: 1 }), 400, 'validation_failed'],
  ['a code of the wrong type', transfer({ code: '1' }), 400, 'validation_failed'],
  ['an over-precise amount 1.001', transfer({ amount: '1.001' }), 400, 'amount_too_precise'],
  ['a negative amount -5', transfer({ amount: '-5' }), 400, 'amount_must_not_be_negative'],
  ['an exponent 1e3', transfer({ amount: '1e3' }), 400, 'amount_malformed'],
  ['hex 0x10', transfer({ amount: '0x10' }), 400, 'amount_malformed'],
  ['a leading space " 5"', transfer({ amount: ' 5' }), 400, 'amount_malformed'],
  ['an amount beyond int8', transfer({ amount: '99999999999999999999999999' }), 400, 'amount_out_of_range'],
  ['an unknown currency', transfer({ ledger: 'XYZ' }), 400, 'currency_unknown'],
  ['a lower-case currency', transfer({ ledger: 'cny' }), 400, 'currency_unknown'],
  ['a malformed id', transfer({ id: 'has space' }), 400, 'id_malformed'],
  // The route's body limit fits a full batch of the largest events (docs/ledger.md), about 11 MB.
  ['a 1 MB amount string, under the body limit', transfer({ amount: megabyte }), 400, 'amount_malformed'],
  ['a 1 MB id', transfer({ id: megabyte }), 400, 'validation_failed'],
  [
    'an amount string just over the body limit',
    transfer({ amount: 'x'.repeat(TRANSFER_BATCH_BODY_LIMIT_BYTES) }),
    413,
    'payload_too_large',
  ],
  ['a 0.9 MB user data string', transfer({ userData: 'x'.repeat(900_000) }), 400, 'validation_failed'],
  [
    'a too-large batch',
    { transfers: Array.from({ length: 8191 }, (_, i) => transfer({ id: `b${i}` }).transfers[0]) },
    400,
    'ledger_batch_too_large',
  ],
  ['a negative timeout', transfer({ timeoutSeconds: -1 }), 400, 'validation_failed'],
  ['a fractional code', transfer({ code: 1.5 }), 400, 'validation_failed'],
  ['an unknown flag', transfer({ flags: { teleport: true } }), 400, 'validation_failed'],
  ['a NUL character in user data', transfer({ userData: 'a\u0000b' }), 400, 'text_malformed'],
  [
    'an unpaired surrogate in user data',
    '{"transfers":[{"id":"bad-t","debitAccountId":"bad-src","creditAccountId":"bad-dst","amount":"1.00","ledger":"CNY","code":1,"userData":"\\ud800x"}]}',
    400,
    'text_malformed',
  ],
  ['prototype pollution', '{"transfers": [], "__proto__": {"polluted": true}}', 400, 'malformed_json'],
];

describe('bad input to POST /v1/ledger/transfers', () => {
  it.each(cases)('%s gets a coded 4xx and writes nothing', async (_name, body, status, code) => {
    const before = await stateOfTheWorld();
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await inject({
      method: 'POST',
      url: '/v1/ledger/transfers',
      headers: { 'content-type': 'application/json', 'idempotency-key': `bad-${code}-${payload.length}` },
      payload,
    });
    expect(response.statusCode).toBe(status);
    const error = response.json().error;
    expect(error.code).toBe(code);
    expect(typeof error.message).toBe('string');
    expect(response.body).not.toMatch(/\bat\s+\S+\s+\(|node_modules|\.ts:\d+/);
    expect(await stateOfTheWorld()).toBe(before);
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await inject({
      method: 'POST',
      url: '/v1/ledger/transfers',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
  });

  it('refuses a bad query string with a coded 400', async () => {
    for (const url of [
      '/v1/ledger/accounts/bad-dst/transfers?limit=0',
      '/v1/ledger/accounts/bad-dst/transfers?limit=abc',
      '/v1/ledger/accounts/bad-dst/transfers?cursor=not-a-cursor',
      '/v1/ledger/accounts/bad-dst/balance?at=99999999999999999999',
      '/v1/ledger/accounts/bad-dst/balance?at=-1',
      '/v1/ledger/accounts/bad-dst/transfers?from=yesterday',
      '/v1/ledger/accounts/bad-dst/transfers?from=0000-01-01T00:00:00Z',
    ]) {
      const response = await inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code, url).toMatch(/^[a-z_]+$/);
    }
  });
});
