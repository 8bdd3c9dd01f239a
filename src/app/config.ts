import path from 'node:path';

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
  readonly logLevel: string;
  readonly idempotencyTtlHours: number;
  readonly bodyLimitBytes: number;
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    schema: schemaName(env.NETFIN_DB_SCHEMA),
    dataDir: path.resolve(env.NETFIN_DATA_DIR || '.netfin/data'),
    memory: false,
    poolSize: integer(env, 'NETFIN_DB_POOL_SIZE', 20, 1, 1000),
    logLevel,
    idempotencyTtlHours: integer(env, 'NETFIN_IDEMPOTENCY_TTL_HOURS', 24, 24, 24 * 365),
    bodyLimitBytes: integer(env, 'NETFIN_BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    ...overrides,
  };
}
