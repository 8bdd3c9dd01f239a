import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { openTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * The web app served from the API's port while its first build still runs in the background (a
 * first `npm start`): pages say so and reload themselves, the API answers as ever, and once the
 * build ends the app and its assets are served, with no restart.
 */
let t: TestPlatform;
let dir: string;
beforeAll(async () => {
  t = await openTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'netfin-web-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const page = { accept: 'text/html,application/xhtml+xml' };

describe('the web app while its build runs', () => {
  it('answers pages with a self-reloading 503, the API as usual, then the app once built', async () => {
    let finish!: (built: boolean) => void;
    const ready = new Promise<boolean>((resolve) => {
      finish = resolve;
    });
    const app = await buildApp(t.platform, { web: { dir, ready } });
    try {
      for (const url of ['/', '/market/123']) {
        const building = await app.inject({ method: 'GET', url, headers: page });
        expect(building.statusCode, url).toBe(503);
        expect(building.headers['retry-after']).toBe('3');
        expect(building.body).toContain('http-equiv="refresh"');
        expect(building.body).toContain('The web app is being built');
        expect(building.body).toContain('网页应用正在构建');
      }
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      const unknown = await app.inject({ method: 'GET', url: '/v1/no-such-thing', headers: page });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('route_not_found');

      // The build writes its files, then ends.
      mkdirSync(join(dir, 'assets'), { recursive: true });
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>netfin app</title>');
      writeFileSync(join(dir, 'assets', 'main-abc123.js'), 'console.log("netfin")');
      finish(true);
      await ready;

      const home = await app.inject({ method: 'GET', url: '/', headers: page });
      expect(home.statusCode).toBe(200);
      expect(home.body).toContain('<title>netfin app</title>');
      const deep = await app.inject({ method: 'GET', url: '/market/123', headers: page });
      expect(deep.statusCode).toBe(200);
      expect(deep.body).toContain('<title>netfin app</title>');
      const asset = await app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.body).toBe('console.log("netfin")');
      expect(asset.headers['cache-control']).toContain('immutable');
      const missing = await app.inject({ method: 'GET', url: '/assets/gone.js' });
      expect(missing.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('answers pages as unknown routes when the build failed and there is none', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'netfin-web-failed-'));
    const app = await buildApp(t.platform, { web: { dir: empty, ready: Promise.resolve(false) } });
    try {
      await Promise.resolve();
      const home = await app.inject({ method: 'GET', url: '/', headers: page });
      expect(home.statusCode).toBe(404);
      expect(home.json().error.code).toBe('route_not_found');
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
