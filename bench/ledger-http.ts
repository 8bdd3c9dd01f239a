import http from 'node:http';
import type { TransferInput } from '../src/ledger/index.ts';
import type { Measurement } from './lib.ts';

/** A transfer as the API takes it: the amount as a decimal string in yuan. */
export function transferJson(t: TransferInput) {
  return { ...t, amount: `${t.amount / 100n}.${String(t.amount % 100n).padStart(2, '0')}` };
}

/** POSTs a JSON body to netfin on loopback as the administrator; resolves with the status and body. */
export function postJson(
  agent: http.Agent,
  port: number,
  path: string,
  body: string,
  token: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Full batches posted one after another over one keep-alive connection, as JSON bodies, the way
 * (a) applies them in process. The bodies are written before the clock starts: what is timed is
 * sending each body, the server parsing and validating it, the ledger applying it, and the answer of
 * 8,190 results coming back. Every result must be `ok`.
 */
export async function batchesOverHttp(
  name: string,
  port: number,
  token: string,
  batches: TransferInput[][],
): Promise<{ measurement: Measurement; meanBodyBytes: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const bodies = batches.map((batch) => JSON.stringify({ transfers: batch.map(transferJson) }));
  const answers: string[] = [];
  const latencies: number[] = [];
  const start = performance.now();
  for (const body of bodies) {
    const sent = performance.now();
    const answer = await postJson(agent, port, '/v1/ledger/transfers', body, token);
    latencies.push(performance.now() - sent);
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
    answers.push(answer.body);
  }
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  for (const answer of answers) {
    const failed = (JSON.parse(answer).results as { result: string }[]).filter((r) => r.result !== 'ok');
    if (failed.length > 0) throw new Error(`${failed.length} transfers failed, e.g. ${failed[0]!.result}`);
  }
  const operations = batches.reduce((sum, batch) => sum + batch.length, 0);
  const bytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
  return {
    measurement: { name, operations, seconds, latenciesMs: latencies },
    meanBodyBytes: bytes / bodies.length,
  };
}
