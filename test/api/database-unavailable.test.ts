import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installErrorHandling } from '../../src/api/errors.ts';
import { CommitOutcomeUnknown } from '../../src/kernel/index.ts';

/**
 * A request that fails because the database or the connection to it failed is answered 503
 * `database_unavailable` with a Retry-After (the client may try again, with its Idempotency-Key),
 * not 500: nothing about the request was wrong. Any other unexpected error stays a 500.
 */
const app = Fastify({ logger: false });
beforeAll(async () => {
  installErrorHandling(app);
  const failing = (error: Error) => async () => {
    throw error;
  };
  app.get('/reset', failing(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })));
  app.get('/shutdown', failing(Object.assign(new Error('admin shutdown'), { code: '57P01' })));
  app.get('/lost-commit', failing(new CommitOutcomeUnknown(new Error('Connection terminated'))));
  app.get('/constraint', failing(Object.assign(new Error('duplicate key'), { code: '23505' })));
  app.get('/bug', failing(new TypeError('x is undefined')));
  await app.ready();
});
afterAll(() => app.close());

it('answers 503 database_unavailable for a lost connection, a shutdown and a lost commit', async () => {
  for (const url of ['/reset', '/shutdown', '/lost-commit']) {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode, url).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json().error.code).toBe('database_unavailable');
    expect(response.body).not.toMatch(/ECONNRESET|shutdown|terminated/);
  }
});

it('keeps any other unexpected error a 500 internal_error', async () => {
  for (const url of ['/constraint', '/bug']) {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode, url).toBe(500);
    expect(response.json().error.code).toBe('internal_error');
  }
});
