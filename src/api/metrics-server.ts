import { createServer, type Server } from 'node:http';
import type { Metrics } from '../app/metrics.ts';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * NETFIN_METRICS_PORT: GET /metrics on a port of its own, without credentials, for a Prometheus
 * scraper that should not hold the administrator's token. It serves that one path and nothing else
 * (404 in netfin's error shape; 405 for another method), so whoever reaches the port learns the
 * figures and no more: bind it where only the scraper reaches (NETFIN_METRICS_HOST).
 */
export async function startMetricsServer(
  metrics: Metrics,
  port: number,
  host: string,
): Promise<MetricsServer> {
  const refuse = (code: string, message: string) => JSON.stringify({ error: { code, message } });
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
        .end(refuse('not_found', 'this port serves GET /metrics only'));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .writeHead(405, { 'content-type': 'application/json; charset=utf-8', allow: 'GET, HEAD' })
        .end(refuse('method_not_allowed', 'GET /metrics'));
      return;
    }
    metrics.scrape().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => {
        response
          .writeHead(503, { 'content-type': 'application/json; charset=utf-8' })
          .end(refuse('metrics_unavailable', 'the metrics could not be collected'));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const actual = typeof bound === 'object' && bound ? bound.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
