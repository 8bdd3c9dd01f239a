import { randomBytes } from 'node:crypto';
import { Analytics, type AnalyticsArea, platformAreas } from '../analytics/index.ts';
import { Batch } from '../batch/index.ts';
import { Collections } from '../collections/index.ts';
import { Compliance } from '../compliance/index.ts';
import { Credit } from '../credit/index.ts';
import { Crm, CrmCampaigns, Inbox, type InboxAdapter, Pipeline, SimulatedAdapter } from '../crm/index.ts';
import { Crowdfunding } from '../crowdfunding/index.ts';
import { type Database, type Driver, type Executor, migrate, openDatabase, sqlState } from '../db/index.ts';
import { Identity, logSender, type NotificationSender, Vault } from '../identity/index.ts';
import { type Clock, systemClock } from '../kernel/index.ts';
import { Ledger } from '../ledger/index.ts';
import { Lending } from '../lending/index.ts';
import { type PaymentChannel, Payments, SimChannel, walletBalanceSql } from '../payments/index.ts';
import { Risk } from '../risk/index.ts';
import { Wealth } from '../wealth/index.ts';
import { type Config, ConfigError } from './config.ts';
import { resolveDataKey } from './data-key.ts';
import { Metrics } from './metrics.ts';

/**
 * The composition root: one database, one clock, and the contexts wired to them. The API server,
 * the CLI and the tests all start netfin through openPlatform, so they run the same thing.
 */
export interface Platform {
  readonly config: Config;
  readonly db: Executor;
  /**
   * Where reports read (analytics, the disclosure, the day-close's figures): a read-only pool on the
   * streaming replica named by NETFIN_READ_DATABASE_URL, or `db` itself without one. Never written to;
   * what must see a write just made reads `db` (docs/scaling.md lists which reads use which).
   */
  readonly readDb: Executor;
  readonly readSource: 'primary' | 'replica';
  readonly driver: Driver;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
  readonly risk: Risk;
  readonly lending: Lending;
  readonly credit: Credit;
  readonly collections: Collections;
  readonly compliance: Compliance;
  readonly wealth: Wealth;
  readonly crowdfunding: Crowdfunding;
  readonly analytics: Analytics;
  // CRM: channels, campaigns and referrals (issue 20)
  readonly crmCampaigns: CrmCampaigns;
  /** CRM pipeline: prospects by intent stage and their follow-up tasks. */
  readonly crmPipeline: Pipeline;
  readonly crm: Crm;
  readonly crmInbox: Inbox;
  readonly batch: Batch;
  /** The platform's metrics (GET /metrics, docs/operations.md): a registry of its own. */
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** The inbox's e-mail and messenger adapters (default: the simulated ones). */
  readonly inboxAdapters?: readonly InboxAdapter[];
  readonly clock?: Clock;
  /** Apply pending migrations first (default true). */
  readonly migrate?: boolean;
  /** A schema of its own on a PostgreSQL server: test isolation. */
  readonly schema?: string;
  /** What an in-memory PGlite database starts from instead of an empty cluster (tests; connect.ts). */
  readonly pgliteImage?: Blob;
  readonly applicationName?: string;
  /** Where the development message sender writes (default: standard output). */
  readonly log?: (line: string) => void;
  readonly sender?: NotificationSender;
  readonly channels?: readonly PaymentChannel[];
  /** The analytics areas to compute instead of the platform's own (a test's probe area). */
  readonly analyticsAreas?: readonly AnalyticsArea[];
}

export async function openPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    memory: config.memory,
    pgliteImage: options.pgliteImage,
    poolSize: config.poolSize,
    schema: options.schema ?? config.schema,
    applicationName: options.applicationName ?? 'netfin',
  });
  try {
    if (options.migrate !== false) await migrate(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const clock = options.clock ?? systemClock();
  let vault: Vault;
  let replica: Database | null = null;
  try {
    vault = new Vault(resolveDataKey(config));
    // The replica has the primary's schema (its tables arrive by replication): same search path.
    if (config.readDatabaseUrl)
      replica = await openDatabase({
        url: config.readDatabaseUrl,
        readOnly: true,
        poolSize: config.readPoolSize,
        schema: options.schema ?? config.schema,
        applicationName: `${options.applicationName ?? 'netfin'}:read`,
      });
  } catch (error) {
    await database.close();
    throw error;
  }
  const readDb = replica ? replica.db : database.db;
  const metrics = new Metrics();
  metrics.watchPool('primary', database.poolUse);
  if (replica) metrics.watchPool('replica', replica.poolUse);
  const ledger = new Ledger({ db: database.db, clock, writers: 1, observer: metrics.ledger });
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const identity = new Identity({
    db: database.db,
    clock,
    vault,
    sender: options.sender ?? logSender(log, config.demo),
    settings: config.identity,
  });
  const channels = [...(options.channels ?? [])];
  if (config.channelSimUrl) {
    if (!config.channelSimSecret)
      throw new ConfigError('NETFIN_CHANNEL_SIM_SECRET is required with NETFIN_CHANNEL_SIM_URL');
    channels.push(new SimChannel(config.channelSimUrl, config.channelSimSecret));
  }
  const payments = new Payments({
    db: database.db,
    clock,
    ledger,
    identity,
    settings: config.payments,
    channels,
    observer: metrics.payments,
  });
  if (config.publicUrl) payments.setPublicUrl(config.publicUrl);
  const risk = new Risk({
    db: database.db,
    clock,
    identity,
    walletBalanceSql,
    observer: metrics.risk,
    engineWorkers: config.riskWorkers,
  });
  const lending = new Lending({
    db: database.db,
    clock,
    ledger,
    identity,
    payments,
    risk,
    bidQueueObserver: metrics.bids,
  });
  const credit = new Credit({ db: database.db, clock, ledger, identity, payments, risk });
  credit.connectLending(lending);
  const collections = new Collections({ db: database.db, clock, identity, lending, credit });
  const compliance = new Compliance({
    db: database.db,
    clock,
    identity,
    ledger,
    payments,
    risk,
    lending,
    credit,
  });
  const wealth = new Wealth({ db: database.db, clock, ledger, identity, payments });
  const crowdfunding = new Crowdfunding({
    db: database.db,
    clock,
    ledger,
    identity,
    payments,
    risk,
    settings: config.crowdfunding,
  });
  const analytics = new Analytics({
    db: database.db,
    readDb,
    clock,
    areas:
      options.analyticsAreas ??
      platformAreas({ ledger, identity, payments, risk, lending, credit, collections, wealth }),
  });
  // CRM: channels, campaigns and referrals (issue 20): records each sign-up's source, pays rewards.
  const crmCampaigns = new CrmCampaigns({ db: database.db, readDb, clock, ledger, identity, payments });
  // CRM pipeline: follow-up tasks fall due on the business calendar (wealth's trading days).
  const crmPipeline = new Pipeline({
    db: database.db,
    clock,
    identity,
    calendar: (around) => wealth.tradingDays(around),
  });
  const crm = new Crm({ db: database.db, readDb, clock, identity, ledger, log });
  // CRM: the service inbox; e-mail and messenger through the simulated adapters unless others are given.
  const inboxSecret = config.inboxAdapterSecret ?? randomBytes(24).toString('hex');
  const crmInbox = new Inbox({
    db: database.db,
    readDb,
    clock,
    identity,
    classOf: (userId) => crm.classOf(userId),
    adapters: options.inboxAdapters ?? [
      new SimulatedAdapter('sim-email', 'email', inboxSecret),
      new SimulatedAdapter('sim-messenger', 'messenger', inboxSecret),
    ],
  });
  // The day-close: each context registers its own steps; the batch knows none of them.
  const batch = new Batch({
    db: database.db,
    clock,
    exclusive: database.driver === 'pglite',
    observer: metrics.batch,
  });
  metrics.watchPlatform({
    businessDate: () => clock.businessDate(),
    openExceptions: () => payments.openExceptionCount(),
  });
  for (const step of [
    ...ledger.daySteps(),
    ...payments.daySteps(),
    ...lending.daySteps(),
    ...credit.daySteps(),
    ...collections.daySteps(),
    ...wealth.daySteps(),
    ...crowdfunding.daySteps(),
    ...compliance.daySteps(),
    ...analytics.daySteps(),
    ...crmCampaigns.daySteps(),
    ...crm.daySteps(),
  ])
    batch.register(step);
  if (options.migrate !== false) {
    await risk.seed();
    await lending.seed();
    await credit.seed();
    await compliance.contracts.seed();
    await wealth.seed();
    await batch.businessDate();
  } else {
    // Without migrations (`netfin migrate` opens the platform so), the calendar may not exist yet.
    await batch.refresh().catch((error: unknown) => {
      if (sqlState(error) !== '42P01') throw error; // undefined_table
    });
  }
  // A day-close run by another process moves the business date: this one hears of it as it commits.
  // The embedded database has one process, whose own closes set its clock already.
  if (database.driver === 'postgres') await batch.follow(database.listen);
  // The inbox's live updates, from whichever process wrote them (pg_notify on commit).
  await crmInbox.follow(database.listen);
  return {
    config,
    db: database.db,
    readDb,
    readSource: replica ? 'replica' : 'primary',
    driver: database.driver,
    clock,
    ledger,
    identity,
    payments,
    risk,
    lending,
    credit,
    collections,
    compliance,
    wealth,
    crowdfunding,
    analytics,
    crmCampaigns,
    crmPipeline,
    crm,
    crmInbox,
    batch,
    metrics,
    close: async () => {
      try {
        // Drain the group-commit queues first (docs/group-commit.md): what they accepted commits
        // and is answered; what arrives now is refused. The audit writer and the ledger last, as the
        // others write to them.
        await Promise.allSettled([lending.close(), payments.close(), risk.close()]);
        await identity.close();
        await ledger.close();
        await replica?.close();
      } finally {
        await database.close();
      }
    },
  };
}
