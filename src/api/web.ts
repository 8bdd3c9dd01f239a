import { existsSync, readFileSync } from 'node:fs';
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
  await registerPublicPlugin(app, fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders(reply, path) {
      if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const sendIndex = (reply: FastifyReply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
  app.get('/', { config: { auth: 'public' }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  return (request, reply) => {
    const accept = request.headers.accept ?? '';
    if (request.method !== 'GET' || API_PATHS.test(request.url) || !accept.includes('text/html'))
      return false;
    void sendIndex(reply);
    return true;
  };
}
