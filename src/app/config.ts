import { availableParallelism } from 'node:os';
import path from 'node:path';
import { CLOSE_TIME } from '../batch/index.ts';
import { type CrowdfundingSettings, DEFAULT_CROWDFUNDING_SETTINGS } from '../crowdfunding/index.ts';
import { DEFAULT_IDENTITY_SETTINGS, type IdentitySettings } from '../identity/index.ts';
import { CNY, parseAmount } from '../kernel/index.ts';
import { DEFAULT_PAYMENT_SETTINGS, type PaymentSettings } from '../payments/index.ts';

/**
 * Every setting netfin reads from the environment, with its default. The README's configuration
 * table is written from this list; keep the two in step.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  /** The PostgreSQL schema netfin's tables live in (server only). */
  readonly schema: string | undefined;
  readonly dataDir: string;
  readonly memory: boolean;
  readonly poolSize: number;
  /**
   * NETFIN_READ_DATABASE_URL: a read-only PostgreSQL (a streaming replica of DATABASE_URL's server) where
   * reports read (analytics, disclosure, the day-close's figures); unset, they read from DATABASE_URL.
   */
  readonly readDatabaseUrl: string | undefined;
  /** NETFIN_READ_DB_POOL_SIZE: connections per process to the read database. */
  readonly readPoolSize: number;
  readonly logLevel: string;
  /**
   * How the server writes its log: `pretty` (one readable line per event), `json` (one JSON object
   * per line, for log collectors), or `auto`: pretty on a terminal, JSON when piped or redirected.
   */
  readonly logFormat: 'auto' | 'pretty' | 'json';
  readonly idempotencyTtlHours: number;
  readonly bodyLimitBytes: number;
  /** A bearer token accepted as an administrator's (for scripts and operations); unset, none is. */
  readonly adminToken: string | undefined;
  /** NETFIN_DATA_KEY: the 32-byte key personal data is encrypted with, base64. */
  readonly dataKey: Buffer | undefined;
  /** Demo mode: SMS codes in the log, the in-process payment gateway simulator, demo data. */
  readonly demo: boolean;
  /**
   * The dev SMS inbox (`GET /v1/dev/inbox`), which hands anyone any phone's codes: served only in demo
   * mode on a loopback address and not behind a proxy, never to a network.
   */
  readonly demoInbox: boolean;
  /** Take the client address from X-Forwarded-For (behind a trusted proxy only). */
  readonly trustProxy: boolean;
  readonly identity: IdentitySettings;
  readonly payments: PaymentSettings;
  readonly crowdfunding: CrowdfundingSettings;
  /** The address people and channels reach this server at (notify URLs); unset, the listening address. */
  readonly publicUrl: string | undefined;
  /** A running simulated gateway to use as the 'sim' channel; unset in demo mode, one starts in-process. */
  readonly channelSimUrl: string | undefined;
  readonly channelSimSecret: string | undefined;
  /** The simulated inbox adapters' signing secret (NETFIN_INBOX_ADAPTER_SECRET); unset, a random one per process. */
  readonly inboxAdapterSecret: string | undefined;
  readonly gatewaySimPort: number;
  /** NETFIN_DEMO_CROWD: the demo's crowd (src/app/demo-crowd.ts) in percent of its full size; 0: none. */
  readonly demoCrowd: number;
  /** NETFIN_DAY_CLOSE_AT ("HH:MM", Asia/Shanghai): `netfin start` closes the business day then. Unset: off. */
  readonly dayCloseAt: string | undefined;
  /** NETFIN_WEB (default on): `netfin start` serves the web app, building it first when missing or stale. */
  readonly web: boolean;
  /**
   * NETFIN_METRICS_PORT: a port of its own where GET /metrics is served without credentials, for a
   * Prometheus scraper (bind it where only the scraper reaches, NETFIN_METRICS_HOST). The main port
   * serves /metrics to the administrator either way.
   */
  readonly metricsPort: number | undefined;
  /** NETFIN_METRICS_HOST: the address the metrics port listens on (default: 127.0.0.1, never HOST: the port has no credentials). */
  readonly metricsHost: string;
  /**
   * NETFIN_RISK_WORKERS: worker threads the risk engine evaluates decision graphs in (docs/risk-profile.md,
   * "The engine in worker threads"); 0: on the main thread.
   */
  readonly riskWorkers: number;
}

function closeTime(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (!CLOSE_TIME.test(text))
    throw new ConfigError('NETFIN_DAY_CLOSE_AT must be a time of day, HH:MM (e.g. 23:30)');
  return text;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text))
    throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function schemaName(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(text))
    throw new ConfigError('NETFIN_DB_SCHEMA must be a lower-case SQL identifier');
  return text;
}

function amount(env: NodeJS.ProcessEnv, name: string, fallback: bigint): bigint {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const parsed = parseAmount(text, CNY);
  if (!parsed.ok) throw new ConfigError(`${name} must be an amount in yuan such as 200.00 (${parsed.error})`);
  return parsed.value;
}

function rate(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^0(\.\d{1,8})?$/.test(text))
    throw new ConfigError(`${name} must be a decimal rate below 1, such as 0.001`);
  return text;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(text)}`);
}

function adminToken(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text.length < 24) throw new ConfigError('NETFIN_ADMIN_TOKEN must be at least 24 characters');
  return text;
}

function dataKey(text: string | undefined): Buffer | undefined {
  if (text === undefined || text === '') return undefined;
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32)
    throw new ConfigError('NETFIN_DATA_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  return key;
}

/**
 * Two worker threads, or one on a single core: on the bench they took 0.3 ms of CPU a decision off
 * the main thread and made decisions no slower (docs/risk-profile.md, "The engine in worker threads").
 */
const DEFAULT_RISK_WORKERS = Math.min(2, availableParallelism());

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const readDatabaseUrl = env.NETFIN_READ_DATABASE_URL || undefined;
  if (readDatabaseUrl && !/^postgres(ql)?:\/\//.test(readDatabaseUrl))
    throw new ConfigError('NETFIN_READ_DATABASE_URL must be a postgres:// or postgresql:// URL');
  if (readDatabaseUrl && !databaseUrl)
    throw new ConfigError(
      'NETFIN_READ_DATABASE_URL needs DATABASE_URL: a replica reads what a primary writes',
    );
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = env.NETFIN_LOG_FORMAT || 'auto';
  if (logFormat !== 'auto' && logFormat !== 'pretty' && logFormat !== 'json')
    throw new ConfigError('NETFIN_LOG_FORMAT must be auto, pretty or json');
  const config: Omit<Config, 'demoInbox'> & { demoInbox?: boolean } = {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    schema: schemaName(env.NETFIN_DB_SCHEMA),
    dataDir: path.resolve(env.NETFIN_DATA_DIR || '.netfin/data'),
    memory: false,
    poolSize: integer(env, 'NETFIN_DB_POOL_SIZE', 20, 1, 1000),
    readDatabaseUrl,
    readPoolSize: integer(env, 'NETFIN_READ_DB_POOL_SIZE', 10, 1, 1000),
    logLevel,
    logFormat,
    idempotencyTtlHours: integer(env, 'NETFIN_IDEMPOTENCY_TTL_HOURS', 24, 24, 24 * 365),
    bodyLimitBytes: integer(env, 'NETFIN_BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    adminToken: adminToken(env.NETFIN_ADMIN_TOKEN),
    dataKey: dataKey(env.NETFIN_DATA_KEY),
    demo: boolean(env, 'NETFIN_DEMO', !databaseUrl),
    web: boolean(env, 'NETFIN_WEB', true),
    trustProxy: boolean(env, 'NETFIN_TRUST_PROXY', false),
    identity: {
      ...DEFAULT_IDENTITY_SETTINGS,
      sessionTtlHours: integer(
        env,
        'NETFIN_SESSION_TTL_HOURS',
        DEFAULT_IDENTITY_SETTINGS.sessionTtlHours,
        1,
        24 * 90,
      ),
      signInMaxFailures: integer(
        env,
        'NETFIN_SIGN_IN_MAX_FAILURES',
        DEFAULT_IDENTITY_SETTINGS.signInMaxFailures,
        1,
        100,
      ),
      signInLockMinutes: integer(
        env,
        'NETFIN_SIGN_IN_LOCK_MINUTES',
        DEFAULT_IDENTITY_SETTINGS.signInLockMinutes,
        1,
        24 * 60,
      ),
      smsIntervalSeconds: integer(
        env,
        'NETFIN_SMS_INTERVAL_SECONDS',
        DEFAULT_IDENTITY_SETTINGS.smsIntervalSeconds,
        0,
        3600,
      ),
      smsPerNumberPerDay: integer(
        env,
        'NETFIN_SMS_PER_NUMBER_PER_DAY',
        DEFAULT_IDENTITY_SETTINGS.smsPerNumberPerDay,
        1,
        1000,
      ),
      smsPerIpPerMinute: integer(
        env,
        'NETFIN_SMS_PER_IP_PER_MINUTE',
        DEFAULT_IDENTITY_SETTINGS.smsPerIpPerMinute,
        1,
        1_000_000,
      ),
      smsPerIpPerDay: integer(
        env,
        'NETFIN_SMS_PER_IP_PER_DAY',
        DEFAULT_IDENTITY_SETTINGS.smsPerIpPerDay,
        1,
        1_000_000,
      ),
      assessmentRetakeDays: integer(
        env,
        'NETFIN_ASSESSMENT_RETAKE_DAYS',
        DEFAULT_IDENTITY_SETTINGS.assessmentRetakeDays,
        0,
        3650,
      ),
    },
    payments: {
      ...DEFAULT_PAYMENT_SETTINGS,
      unverifiedPaymentLimit: amount(
        env,
        'NETFIN_UNVERIFIED_PAYMENT_LIMIT',
        DEFAULT_PAYMENT_SETTINGS.unverifiedPaymentLimit,
      ),
      passwordFreeLimit: amount(
        env,
        'NETFIN_PASSWORD_FREE_LIMIT',
        DEFAULT_PAYMENT_SETTINGS.passwordFreeLimit,
      ),
      passwordFreeDailyLimit: amount(
        env,
        'NETFIN_PASSWORD_FREE_DAILY_LIMIT',
        DEFAULT_PAYMENT_SETTINGS.passwordFreeDailyLimit,
      ),
      transferPasswordThreshold: amount(
        env,
        'NETFIN_TRANSFER_PASSWORD_THRESHOLD',
        DEFAULT_PAYMENT_SETTINGS.transferPasswordThreshold,
      ),
      withdrawalFeeRate: rate(env, 'NETFIN_WITHDRAWAL_FEE_RATE', DEFAULT_PAYMENT_SETTINGS.withdrawalFeeRate),
      withdrawalFeeMinimum: amount(
        env,
        'NETFIN_WITHDRAWAL_FEE_MINIMUM',
        DEFAULT_PAYMENT_SETTINGS.withdrawalFeeMinimum,
      ),
      withdrawalDailyLimit: amount(
        env,
        'NETFIN_WITHDRAWAL_DAILY_LIMIT',
        DEFAULT_PAYMENT_SETTINGS.withdrawalDailyLimit,
      ),
      maxOrderAmount: amount(env, 'NETFIN_MAX_ORDER_AMOUNT', DEFAULT_PAYMENT_SETTINGS.maxOrderAmount),
      channelCosts: {
        ...DEFAULT_PAYMENT_SETTINGS.channelCosts,
        sim: {
          rate: rate(env, 'NETFIN_CHANNEL_SIM_COST_RATE', DEFAULT_PAYMENT_SETTINGS.channelCosts.sim!.rate),
          minimum: amount(
            env,
            'NETFIN_CHANNEL_SIM_COST_MINIMUM',
            DEFAULT_PAYMENT_SETTINGS.channelCosts.sim!.minimum,
          ),
        },
      },
    },
    crowdfunding: {
      ...DEFAULT_CROWDFUNDING_SETTINGS,
      maxDurationDays: integer(
        env,
        'NETFIN_CROWDFUNDING_MAX_DAYS',
        DEFAULT_CROWDFUNDING_SETTINGS.maxDurationDays,
        1,
        365,
      ),
      minPledge: amount(env, 'NETFIN_CROWDFUNDING_MIN_PLEDGE', DEFAULT_CROWDFUNDING_SETTINGS.minPledge),
      cancelCutOffHours: integer(
        env,
        'NETFIN_CROWDFUNDING_CANCEL_CUT_OFF_HOURS',
        DEFAULT_CROWDFUNDING_SETTINGS.cancelCutOffHours,
        0,
        24 * 30,
      ),
      feeRate: rate(env, 'NETFIN_CROWDFUNDING_FEE_RATE', DEFAULT_CROWDFUNDING_SETTINGS.feeRate),
      unusedImageHours: integer(
        env,
        'NETFIN_CROWDFUNDING_UNUSED_IMAGE_HOURS',
        DEFAULT_CROWDFUNDING_SETTINGS.unusedImageHours,
        1,
        24 * 365,
      ),
    },
    publicUrl: env.NETFIN_PUBLIC_URL || undefined,
    channelSimUrl: env.NETFIN_CHANNEL_SIM_URL || undefined,
    dayCloseAt: closeTime(env.NETFIN_DAY_CLOSE_AT),
    channelSimSecret: env.NETFIN_CHANNEL_SIM_SECRET || undefined,
    inboxAdapterSecret: env.NETFIN_INBOX_ADAPTER_SECRET || undefined,
    gatewaySimPort: integer(env, 'NETFIN_GATEWAY_SIM_PORT', 0, 0, 65535),
    demoCrowd: integer(env, 'NETFIN_DEMO_CROWD', 100, 0, 100),
    metricsPort: env.NETFIN_METRICS_PORT ? integer(env, 'NETFIN_METRICS_PORT', 0, 1, 65535) : undefined,
    metricsHost: env.NETFIN_METRICS_HOST || '127.0.0.1',
    riskWorkers: integer(env, 'NETFIN_RISK_WORKERS', DEFAULT_RISK_WORKERS, 0, 64),
    ...overrides,
  };
  const loopback = isLoopbackHost(config.host);
  const demoAskedFor = overrides.demo === true || env.NETFIN_DEMO === 'true' || env.NETFIN_DEMO === '1';
  // Demo mode by default (no DATABASE_URL) must not reach a network by accident: its data and its
  // passwords are public knowledge.
  if (config.demo && !loopback && !demoAskedFor)
    throw new ConfigError(
      `demo mode is on by default without DATABASE_URL, and HOST=${config.host} is not a loopback address: ` +
        'set NETFIN_DEMO=false for a real deployment, or NETFIN_DEMO=true to show the demo on this address',
    );
  // Behind a proxy (NETFIN_TRUST_PROXY) a loopback address serves whoever the proxy serves.
  return { ...config, demoInbox: config.demoInbox ?? (config.demo && loopback && !config.trustProxy) };
}

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
