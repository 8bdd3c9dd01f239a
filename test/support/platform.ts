import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { inject } from 'vitest';
import type { AnalyticsArea } from '../../src/analytics/index.ts';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform, type Platform } from '../../src/app/platform.ts';
import { openDatabase, quoteIdent } from '../../src/db/index.ts';
import type { IdentitySettings } from '../../src/identity/index.ts';
import { type Clock, ManualClock } from '../../src/kernel/index.ts';
import { GatewaySim, type PaymentChannel, SimChannel } from '../../src/payments/index.ts';

/**
 * The one fixture for integration tests: a fresh, migrated database of the test's own, on PGlite
 * in memory, or on the PostgreSQL server named by DATABASE_URL in a schema of its own that is dropped
 * afterwards. Real databases, never a mock of our own storage.
 */
export interface TestPlatform {
  readonly platform: Platform;
  readonly clock: ManualClock;
  close(): Promise<void>;
}

export const onPostgres = Boolean(process.env.DATABASE_URL);

/** The administrator's bearer token in tests, and the headers that carry it. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const asAdmin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const TEST_DATA_KEY = Buffer.alloc(32, 7);

/**
 * On PGlite, the run's migrated data directory (test/support/global-setup.ts), read once per test
 * file's process: each test's database is a copy of its own of it, which saves initdb. Without one
 * (a run without the global setup) a test's database is made from nothing, as in production.
 */
let pgliteImage: Promise<Blob> | undefined;
function runPgliteImage(): Promise<Blob> | undefined {
  if (onPostgres) return undefined;
  const file = inject('netfinPgliteImage');
  if (!file) return undefined;
  pgliteImage ??= readFile(file).then((bytes) => new Blob([bytes]));
  return pgliteImage;
}

export async function openTestPlatform(
  options: {
    clock?: Clock;
    poolSize?: number;
    identity?: Partial<IdentitySettings>;
    channels?: PaymentChannel[];
    /** A streaming replica of DATABASE_URL's server for platform.readDb (in the test's schema too). */
    readDatabaseUrl?: string;
    analyticsAreas?: readonly AnalyticsArea[];
    /** The risk engine's worker threads; none unless asked here or by NETFIN_RISK_WORKERS. */
    riskWorkers?: number;
  } = {},
): Promise<TestPlatform> {
  const clock =
    (options.clock as ManualClock | undefined) ?? new ManualClock(new Date('2026-01-05T02:00:00Z'));
  const schema = onPostgres ? `test_${randomBytes(6).toString('hex')}` : undefined;
  const base = loadConfig(process.env, {
    memory: true,
    poolSize: options.poolSize ?? 20,
    logLevel: 'silent',
    adminToken: ADMIN_TOKEN,
    dataKey: TEST_DATA_KEY,
    demo: true,
    ...(options.readDatabaseUrl ? { readDatabaseUrl: options.readDatabaseUrl, readPoolSize: 4 } : {}),
    ...(options.riskWorkers !== undefined
      ? { riskWorkers: options.riskWorkers }
      : process.env.NETFIN_RISK_WORKERS
        ? {}
        : { riskWorkers: 0 }),
  });
  // Tests come from one address: the per-address SMS limits would get in their way (one test checks them).
  const config = {
    ...base,
    identity: {
      ...base.identity,
      smsPerIpPerMinute: 1_000_000,
      smsPerIpPerDay: 1_000_000,
      ...options.identity,
    },
  };
  const image = runPgliteImage();
  const platform = await openPlatform(config, {
    ...(image ? { pgliteImage: await image } : {}),
    clock,
    log: () => {},
    channels: options.channels ?? [],
    ...(options.analyticsAreas ? { analyticsAreas: options.analyticsAreas } : {}),
    ...(schema ? { schema } : {}),
    // The schema in the name lets the close find this test's server sessions (dropSchema).
    applicationName: schema ? `netfin-test:${schema}` : 'netfin-test',
  });
  return {
    platform,
    clock,
    close: async () => {
      await timed('closing the platform', () => platform.close());
      if (schema) await timed(`dropping schema ${schema}`, () => dropSchema(schema));
    },
  };
}

/**
 * Drops a test's schema. A session of the test's that the close had to cut may still be running on
 * the server (a backend notices its client has gone only when it next talks to it), holding locks
 * the drop would wait for: it is ended first.
 */
async function dropSchema(schema: string): Promise<void> {
  const admin = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 1 });
  try {
    await sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where application_name like ${`netfin-test:${schema}%`} and pid <> pg_backend_pid()`.execute(admin.db);
    await sql.raw(`drop schema if exists ${quoteIdent(schema)} cascade`).execute(admin.db);
  } finally {
    await admin.close();
  }
}

export interface TestApp extends TestPlatform {
  readonly app: FastifyInstance;
}

export async function openTestApp(
  options: {
    clock?: Clock;
    identity?: Partial<IdentitySettings>;
    channels?: PaymentChannel[];
    readDatabaseUrl?: string;
    analyticsAreas?: readonly AnalyticsArea[];
    riskWorkers?: number;
  } = {},
): Promise<TestApp> {
  const base = await openTestPlatform(options);
  const app = await buildApp(base.platform);
  await app.ready();
  return {
    ...base,
    app,
    close: async () => {
      await timed('closing the HTTP app', () => app.close());
      await base.close();
    },
  };
}

/**
 * Runs one step of a test's close, and says on standard error which step it was when it takes
 * long: a close that hangs on a busy CI machine then names where it hung.
 */
async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const slow = setTimeout(() => process.stderr.write(`test close: still ${what} after 10 s\n`), 10_000);
  try {
    return await step();
  } finally {
    clearTimeout(slow);
    const ms = Date.now() - started;
    if (ms > 10_000) process.stderr.write(`test close: ${what} took ${ms} ms\n`);
  }
}

export interface PaymentsTestApp extends TestApp {
  readonly sim: GatewaySim;
  readonly url: string;
  /** Polls until `check` is true (notifications arrive asynchronously), failing after a few seconds. */
  waitFor(check: () => Promise<boolean>, what: string): Promise<void>;
}

/**
 * netfin listening on a real port, with the simulated gateway as its 'sim' channel: notifications
 * travel over HTTP, signed, as they would in production. Both share the test's clock.
 */
export async function openPaymentsTestApp(
  options: { identity?: Partial<IdentitySettings> } = {},
): Promise<PaymentsTestApp> {
  const clock = new ManualClock(new Date('2026-01-05T02:00:00Z'));
  const secret = 'test-sim-secret';
  const sim = new GatewaySim({ secret, clock, retryBaseMs: 25, maxAttempts: 6 });
  const simUrl = await sim.listen();
  const base = await openTestPlatform({ ...options, clock, channels: [new SimChannel(simUrl, secret)] });
  const app = await buildApp(base.platform);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  base.platform.payments.setPublicUrl(url);
  return {
    ...base,
    app,
    sim,
    url,
    waitFor: async (check, what) => {
      for (let i = 0; i < 200; i++) {
        if (await check()) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    close: async () => {
      await sim.close();
      await app.close();
      await base.close();
    },
  };
}
