import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { internalRequestHeaders, type RequestLogStyle } from '../../src/api/request-log.ts';
import { openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * What the server's log says of each request: Fastify's JSON records for log collectors, or one
 * readable line for a terminal; and nothing for the requests the process makes to itself (the demo
 * data), which only the process's own secret marks as such.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await openTestPlatform();
});
afterAll(() => t.close());

async function logOf(style: RequestLogStyle, requests: { url: string; headers?: Record<string, string> }[]) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildApp(t.platform, { logger: { level: 'info', stream }, requestLog: style });
  try {
    for (const request of requests) await app.inject({ method: 'GET', ...request });
  } finally {
    await app.close();
  }
  return lines.filter((line) => line.reqId !== undefined);
}

describe('the request log', () => {
  it('writes two JSON records a request in the fields style, with method, URL and status', async () => {
    const lines = await logOf('fields', [{ url: '/healthz' }]);
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect((lines[0]!.req as { method: string; url: string }).url).toBe('/healthz');
    expect((lines[1]!.res as { statusCode: number }).statusCode).toBe(200);
  });

  it('writes one line a request in the line style', async () => {
    const lines = await logOf('line', [{ url: '/healthz' }, { url: '/v1/no-such-thing' }]);
    expect(lines.map((l) => String(l.msg).replace(/ [\d.]+ ms$/, ''))).toEqual([
      'GET /healthz 200',
      'GET /v1/no-such-thing 404',
    ]);
  });

  it("leaves out the process's own requests, but not a client's that guesses the header", async () => {
    const [name] = Object.keys(internalRequestHeaders());
    for (const style of ['fields', 'line'] as const) {
      const lines = await logOf(style, [
        { url: '/healthz?internal', headers: internalRequestHeaders() },
        { url: '/healthz?guessed', headers: { [name!]: 'guess' } },
      ]);
      const urls = lines.map((l) => (l.req as { url?: string } | undefined)?.url ?? String(l.msg));
      expect(
        urls.some((u) => u.includes('guessed')),
        style,
      ).toBe(true);
      expect(
        urls.some((u) => u.includes('internal')),
        style,
      ).toBe(false);
    }
  });
});
