import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { buildApp, LOG_REDACT } from '../api/app.ts';
import { purgeIdempotencyKeys } from '../api/idempotency.ts';
import { type MetricsServer, startMetricsServer } from '../api/metrics-server.ts';
import { internalRequestHeaders } from '../api/request-log.ts';
import { type Config, ConfigError } from '../app/config.ts';
import { backfillDemoAnalytics, DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from '../app/demo.ts';
import { openPlatform, type Platform } from '../app/platform.ts';
import { closeDue } from '../batch/index.ts';
import { systemClock } from '../kernel/index.ts';
import { GatewaySim, SimChannel } from '../payments/index.ts';
import { ensureWebBuild, startWebBuild } from './web-build.ts';

export interface StartOptions {
  readonly workers: number;
}

function describeDatabase(config: Config): string {
  if (config.databaseUrl) return `PostgreSQL at ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')}`;
  return config.memory
    ? 'embedded PGlite in memory (data is lost on exit)'
    : `embedded PGlite in ${config.dataDir}`;
}

/**
 * `netfin start`: the API server. With --workers N it forks N processes that share the port; they
 * keep no state outside the database, so any of them can serve any request.
 */
export async function start(config: Config, options: StartOptions): Promise<void> {
  if (options.workers > 1 && !config.databaseUrl) {
    throw new ConfigError('--workers needs DATABASE_URL: the embedded database serves one process');
  }
  if (options.workers > 1 && cluster.isPrimary && config.web) await ensureWebBuild();
  if (options.workers > 1 && cluster.isPrimary) {
    // Migrate once, before the workers race for it (they would serialize on the migration lock anyway).
    const platform = await openPlatform(config);
    await platform.close();
    for (let i = 0; i < options.workers; i++) cluster.fork();
    let stopping = false;
    const stop = () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    cluster.on('exit', (worker, code) => {
      if (!stopping) {
        console.error(`netfin: worker ${worker.process.pid} exited with ${code}; starting another`);
        cluster.fork();
      } else if (Object.keys(cluster.workers ?? {}).length === 0) {
        process.exit(0);
      }
    });
    console.log(`netfin: ${options.workers} workers on ${address(config)} (${describeDatabase(config)})`);
    return;
  }
  await serve(config, cluster.isWorker);
}

function address(config: Pick<Config, 'host' | 'port'>): string {
  const host =
    config.host === '127.0.0.1' || config.host === '0.0.0.0' || config.host === '::'
      ? 'localhost'
      : config.host;
  return `http://${host}:${config.port}`;
}

/** A readable line per event on a terminal; JSON, one object a line, for anything else. */
function prettyLog(config: Config): boolean {
  return config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
}

const PRETTY = {
  target: 'pino-pretty',
  options: {
    translateTime: 'SYS:HH:MM:ss',
    // A request is one line of its own (request-log.ts); anything else logged (an error, say) follows
    // its message on the same line.
    ignore: 'pid,hostname,reqId,req,res,responseTime',
    singleLine: true,
  },
};

async function serve(config: Config, quiet: boolean): Promise<void> {
  // The messages sent to the demo's own people while it is written are in the dev inbox, not the log,
  // and the gateway's callbacks for its top-ups are not logged one by one: a newcomer's terminal shows
  // what is being written, the addresses and the accounts.
  const demoSeeding = { now: false };
  // Demo mode without a configured gateway: the simulated one runs in this process, on its own port.
  let sim: GatewaySim | undefined;
  let opened: Platform | undefined;
  const channels = [];
  if (config.demo && !config.channelSimUrl) {
    const secret = config.channelSimSecret ?? randomBytes(24).toString('base64url');
    sim = new GatewaySim({
      secret,
      log: (line) => console.log(line),
      // The demo closes months of business days in minutes: the simulated gateway books each order on
      // netfin's business date, so that every day's reconciliation finds the day's orders.
      bookingDate: () => opened?.clock.businessDate() ?? systemClock().businessDate(),
      notifyHeaders: () => (demoSeeding.now ? internalRequestHeaders() : {}),
    });
    const simUrl = await sim.listen(config.gatewaySimPort, '127.0.0.1');
    channels.push(new SimChannel(simUrl, secret));
  }
  // Built on another core while the server starts and the demo is written (a first start).
  const web = config.web ? startWebBuild() : undefined;
  const platform = await openPlatform(config, {
    channels,
    log: (line) => {
      if (!demoSeeding.now) process.stdout.write(`${line}\n`);
    },
  });
  opened = platform;
  let app: FastifyInstance;
  try {
    app = await buildApp(platform, {
      ...(web ? { web } : {}),
      logger: {
        level: config.logLevel,
        redact: { paths: LOG_REDACT, censor: '[redacted]' },
        ...(prettyLog(config) ? { transport: PRETTY } : {}),
      },
      requestLog: prettyLog(config) ? 'line' : 'fields',
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await platform.close();
    throw error;
  }
  let metricsServer: MetricsServer | undefined;
  if (config.metricsPort !== undefined) {
    try {
      metricsServer = await startMetricsServer(platform.metrics, config.metricsPort, config.metricsHost);
    } catch (error) {
      await app.close();
      await platform.close();
      throw error;
    }
  }
  // PORT=0 asks the system for a free port: use the one we got.
  const bound = app.server.address();
  const url = address({ ...config, port: typeof bound === 'object' && bound ? bound.port : config.port });
  if (!config.publicUrl) platform.payments.setPublicUrl(url.replace('localhost', '127.0.0.1'));
  const timers = startHousekeeping(platform, app);
  if (!quiet) {
    console.log(`netfin listening on ${url}`);
    console.log(`  database: ${describeDatabase(config)}`);
    if (sim)
      console.log(
        config.demoInbox
          ? `  demo mode: simulated payment gateway in-process; SMS codes in the log and at ${url}/v1/dev/inbox?phone=...`
          : '  demo mode: simulated payment gateway in-process; SMS codes in the log only',
      );
    if (config.demo && !config.demoInbox)
      console.warn(
        `  warning: demo mode on ${config.host}, which other machines can reach: the demo accounts and their ` +
          'password are public, and SMS codes are written to the log. The dev inbox is off on this address.',
      );
    if (web) console.log(`  web app: ${url}/`);
    console.log(`  API docs: ${url}/docs   OpenAPI: ${url}/openapi.json   health: ${url}/healthz`);
    if (metricsServer) console.log(`  metrics: ${metricsServer.url} (no credentials: NETFIN_METRICS_PORT)`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    for (const timer of timers) clearInterval(timer);
    try {
      await app.close();
      await metricsServer?.close();
      await sim?.close();
      await platform.close();
      process.exit(0);
    } catch (error) {
      console.error('netfin: shutdown failed', error);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // The demo data is written while the server already answers (and can be stopped).
  if (config.demo && !quiet) void demoData(platform, app, () => closing, demoSeeding);
}

/** Writes the demo data on a fresh database and prints who can sign in. */
async function demoData(
  platform: Platform,
  app: FastifyInstance,
  closing: () => boolean,
  seeding: { now: boolean },
): Promise<void> {
  try {
    seeding.now = true;
    const outcome = await seedDemo(platform, app, (line) => console.log(line), internalRequestHeaders());
    // The messages queued last go out within the notifier's next round (a second).
    await platform.identity.notifier.dispatch();
    seeding.now = false;
    if (outcome === 'skipped') return;
  } catch (error) {
    seeding.now = false;
    if (closing()) return; // stopped while writing it: what was written stays, and is not written again

    app.log.error({ err: error }, 'writing the demo data failed');
    console.error(`netfin: the demo data could not be written: ${(error as Error).message}`);
    return;
  }
  console.log(`netfin: demo accounts (password ${DEMO_PASSWORD} for all; the sign-in page lists them too):`);
  for (const account of DEMO_ACCOUNTS)
    console.log(`  ${account.phone}  ${padToWidth(account.displayName, 20)} ${account.description.en}`);
  console.log('netfin: demo data ready');
  // The history's analytics, now that the demo is usable (also after a start that was stopped
  // before finishing them: what is computed is skipped).
  try {
    await backfillDemoAnalytics(platform, (line) => console.log(line), closing);
  } catch (error) {
    if (!closing()) app.log.error({ err: error }, 'computing the demo analytics failed');
  }
}

/** Background chores every process may run: each is idempotent, so several processes are fine. */
function startHousekeeping(platform: Platform, app: FastifyInstance): NodeJS.Timeout[] {
  const every = (ms: number, task: () => Promise<unknown>, name: string) => {
    // A run still going when the next is due is left to finish: the next waits for its turn.
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((error) => app.log.error({ err: error }, `${name} failed`))
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    return timer;
  };
  return [
    every(1_000, () => platform.identity.notifier.dispatch(), 'sending notifications'),
    every(30_000, () => platform.payments.pollPendingOrders(), 'polling channels'),
    every(30_000, () => platform.payments.expireMerchantOrders(), 'expiring merchant orders'),
    every(60_000, () => platform.ledger.expirePending(), 'expiring pending transfers'),
    every(
      3_600_000,
      () => purgeIdempotencyKeys(platform.db, platform.config.idempotencyTtlHours),
      'purging idempotency keys',
    ),
    // Another process may have closed a date: keep the clock's business date current.
    every(5_000, () => platform.batch.refresh(), 'reading the business date'),
    // Contracts are recorded in their deals' transactions and rendered to PDF here, after the commit.
    every(2_000, () => platform.compliance.contracts.renderInBackground(), 'rendering contracts'),
    // Batches wait in ledger_chain_pending until sealed into the chain; sealing every few seconds keeps
    // the window in which a pending row could be rewritten together with its transfers short.
    every(5_000, () => platform.ledger.sealChain(), 'sealing the ledger chain'),
    ...(platform.config.dayCloseAt
      ? [every(30_000, dayCloseScheduler(platform, app), 'closing the business day')]
      : []),
  ];
}

/** Closes the business day at the configured time (and any date left open before it). */
function dayCloseScheduler(platform: Platform, app: FastifyInstance): () => Promise<unknown> {
  let running = false;
  return async () => {
    if (running) return;
    const through = closeDue(
      platform.clock.now(),
      platform.config.dayCloseAt!,
      await platform.batch.businessDate(),
    );
    if (!through) return;
    running = true;
    try {
      const closed = await platform.batch.closeThrough(through, `${hostname()}:${process.pid}`);
      for (const result of closed) app.log.info({ businessDate: result.date }, 'business day closed');
    } finally {
      running = false;
    }
  };
}

/** Pads to a width in terminal columns: a Chinese character takes two. */
function padToWidth(text: string, columns: number): string {
  let width = 0;
  for (const char of text)
    width += /[\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(char) ? 2 : 1;
  return text + ' '.repeat(Math.max(1, columns - width));
}
