import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `vite build` puts the web app (web/vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths the API owns: never answered with the app's page. */
const API_PATHS = /^\/(v1|docs|openapi\.json|healthz)(\/|$|\?)/;

// The app's own scripts only (and compiling WebAssembly, which the decision-graph editor's expression
// checker needs; it allows no JavaScript eval); Ant Design writes its styles inline at run time, and QR
// codes are data URLs.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the built web app from the API's own server and port: its files (hashed assets cached for a
 * year), and index.html for every other page the browser asks for, so that a deep link such as
 * /market/123 opens the app there. Returns a handler for unknown routes, or undefined without a build.
 */
export async function installWebApp(
  app: FastifyInstance,
  dir: string = WEB_DIST,
): Promise<((request: FastifyRequest, reply: FastifyReply) => boolean) | undefined> {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return undefined;
  const index = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders(reply, path) {
      reply.header('x-content-type-options', 'nosniff');
      if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const sendIndex = (reply: FastifyReply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(index);
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  return (request, reply) => {
    const accept = request.headers.accept ?? '';
    if (request.method !== 'GET' || API_PATHS.test(request.url) || !accept.includes('text/html'))
      return false;
    void sendIndex(reply);
    return true;
  };
}
