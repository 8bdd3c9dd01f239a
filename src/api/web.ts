import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerPublicPlugin } from './auth.ts';

/** Where `vite build` puts the web app (web/vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the API owns: never answered with the app's page. */
const API_PATHS = /^\/(v1|docs|openapi\.json|healthz)(\/|$|\?)/;

// The app's own scripts only (and compiling WebAssembly, which the decision-graph editor's expression
// checker needs; it allows no JavaScript eval); Ant Design writes its styles inline at run time, and QR
// codes are data URLs.
export const WEB_CSP: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/** A build of the web app to serve, perhaps still being made (`ready` resolves when it ends). */
export interface WebAppSource {
  readonly dir: string;
  readonly ready: Promise<boolean>;
}

/** What a page shows while the first build runs: it says so, in both languages, and reloads itself. */
const BUILDING_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>netfin</title></head>
<body style="font-family: system-ui, sans-serif; margin: 4rem auto; max-width: 36rem; line-height: 1.6">
<h1>netfin</h1>
<p>网页应用正在构建（仅首次启动时），本页会自动刷新。API 已可使用。</p>
<p lang="en">The web app is being built (on first start only); this page reloads itself. The API already answers.</p>
</body></html>`;

/**
 * Serves the built web app from the API's own server and port: its files (hashed assets cached for a
 * year), and index.html for every other page the browser asks for, so that a deep link such as
 * /market/123 opens the app there. While a build runs in the background, pages answer 503 with a page
 * that says so and reloads itself. Returns a handler for unknown routes, or undefined without a build
 * (and none coming).
 */
export async function installWebApp(
  app: FastifyInstance,
  source: string | WebAppSource = WEB_DIST,
): Promise<((request: FastifyRequest, reply: FastifyReply) => boolean) | undefined> {
  const dir = typeof source === 'string' ? source : source.dir;
  const indexFile = join(dir, 'index.html');
  const building = typeof source !== 'string';
  if (!building && !existsSync(indexFile)) return undefined;
  let index: Buffer | undefined = building ? undefined : readFileSync(indexFile);
  let pending = building;
  if (typeof source !== 'string')
    void source.ready.then((built) => {
      index = built && existsSync(indexFile) ? readFileSync(indexFile) : undefined;
      pending = false;
    });
  // The assets are looked up when asked for (a build may still be writing them).
  mkdirSync(join(dir, 'assets'), { recursive: true });
  await registerPublicPlugin(app, fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    wildcard: true,
    index: false,
    setHeaders(reply) {
      reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const sendIndex = (reply: FastifyReply) => {
    if (index)
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(index);
    if (pending)
      return reply
        .code(503)
        .header('retry-after', '3')
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(BUILDING_PAGE);
    return reply.callNotFound();
  };
  app.get('/', { config: { auth: 'public' }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  return (request, reply) => {
    const accept = request.headers.accept ?? '';
    if (request.method !== 'GET' || API_PATHS.test(request.url) || !accept.includes('text/html'))
      return false;
    if (!index && !pending) return false;
    void sendIndex(reply);
    return true;
  };
}
