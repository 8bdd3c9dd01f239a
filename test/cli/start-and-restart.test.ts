import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's promise, end to end: `netfin start` serves the API, a SIGTERM stops it cleanly, and a
 * restart finds the data it had. Runs the real command in a child process.
 */
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/netfin.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'netfin-start-'));
// On PostgreSQL the commands get a schema of their own, dropped afterwards.
const cliSchema = `cli_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (process.env.DATABASE_URL) {
    const { openDatabase, quoteIdent } = await import('../../src/db/index.ts');
    const { sql } = await import('kysely');
    const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
    await sql.raw(`drop schema if exists ${quoteIdent(cliSchema)} cascade`).execute(admin.db);
    await admin.close();
  }
});

const ADMIN = 'cli-test-admin-token-0123456789';
const env = {
  NETFIN_DB_SCHEMA: cliSchema,
  ...process.env,
  NETFIN_DATA_DIR: dataDir,
  PORT: '0',
  LOG_LEVEL: 'warn',
  NETFIN_ADMIN_TOKEN: ADMIN,
  NETFIN_DATA_KEY: Buffer.alloc(32, 3).toString('base64'),
  // The server itself, without demo data or the web app (test/web covers those).
  NETFIN_DEMO: '0',
  NETFIN_WEB: '0',
};
const asAdmin = { authorization: `Bearer ${ADMIN}` };

function start(args: string[] = []): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bin, 'start', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`netfin did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /netfin listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, url: match[1]! });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`netfin exited with ${code}: ${output}`));
    });
  });
}

function stop(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.on('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
  });
}

describe('netfin start', () => {
  const id = `start:${randomBytes(4).toString('hex')}`;

  it('serves /healthz, keeps data across a restart, and stops cleanly on SIGTERM', async () => {
    const first = await start();
    expect(first.url).toMatch(/^http:\/\/localhost:\d+$/);
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    const created = await fetch(`${first.url}/v1/ledger/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAdmin },
      body: JSON.stringify({ accounts: [{ id, ledger: 'CNY', code: 2001 }] }),
    });
    expect(((await created.json()) as { results: { result: string }[] }).results[0]!.result).toBe('ok');
    expect(await stop(first.proc)).toBe(0);

    const second = await start();
    const account = await fetch(`${second.url}/v1/ledger/accounts/${id}`, { headers: asAdmin });
    expect(account.status).toBe(200);
    expect(((await account.json()) as { id: string }).id).toBe(id);
    // While it runs, a second process on the same embedded data folder is refused.
    if (!process.env.DATABASE_URL) {
      const clash = spawnSync(process.execPath, [bin, 'migrate'], { env, encoding: 'utf8' });
      expect(clash.status).toBe(2);
      expect(clash.stderr).toContain('in use by process');
    }
    expect(await stop(second.proc)).toBe(0);
  }, 120_000);

  it('runs the CLI right after install: migrate and ledger verify', () => {
    const migrate = spawnSync(process.execPath, [bin, 'migrate'], { env, encoding: 'utf8' });
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('up to date');
    const verify = spawnSync(process.execPath, [bin, 'ledger', 'verify'], { env, encoding: 'utf8' });
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('ledger verified: no differences');
  }, 60_000);

  it('refuses --workers without a PostgreSQL server, with a message and exit code 2', () => {
    const run = spawnSync(process.execPath, [bin, 'start', '--workers', '2'], {
      env: { ...env, DATABASE_URL: '' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--workers needs DATABASE_URL');
  });
});

describe.runIf(process.env.DATABASE_URL)('netfin start --workers on PostgreSQL', () => {
  it('serves one database from several processes and stops them all on SIGTERM', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const schema = `workers_${randomBytes(4).toString('hex')}`;
    const proc = spawn(process.execPath, [bin, 'start', '--workers', '2', '--port', String(port)], {
      env: { ...env, NETFIN_DB_SCHEMA: schema },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let up = false;
      for (let i = 0; i < 120 && !up; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      }
      expect(up).toBe(true);
      const ids = Array.from({ length: 40 }, (_, i) => `w:${i}`);
      const results = await Promise.all(
        ids.map((id) =>
          fetch(`http://127.0.0.1:${port}/v1/ledger/accounts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': id, ...asAdmin },
            body: JSON.stringify({ accounts: [{ id, ledger: 'CNY', code: 2001 }] }),
          }).then((r) => r.json() as Promise<{ results: { result: string }[] }>),
        ),
      );
      expect(results.every((r) => r.results[0]!.result === 'ok')).toBe(true);
      // Two worker processes serve, children of the primary.
      const children = spawnSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n');
      expect(children.filter(Boolean).length).toBe(2);
    } finally {
      const code = await stop(proc);
      expect(code).toBe(0);
      const { openDatabase, quoteIdent } = await import('../../src/db/index.ts');
      const { sql } = await import('kysely');
      const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
      await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
      await admin.close();
    }
  }, 120_000);
});
