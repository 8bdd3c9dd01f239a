import { type Driver, type Executor, migrate, openDatabase } from '../db/index.ts';
import { type Clock, systemClock } from '../kernel/index.ts';
import { Ledger } from '../ledger/index.ts';
import type { Config } from './config.ts';

/**
 * The composition root: one database, one clock, and the contexts wired to them. The API server,
 * the CLI and the tests all start netfin through openPlatform, so they run the same thing.
 */
export interface Platform {
  readonly config: Config;
  readonly db: Executor;
  readonly driver: Driver;
  readonly clock: Clock;
  readonly ledger: Ledger;
  close(): Promise<void>;
}

export interface PlatformOptions {
  readonly clock?: Clock;
  /** Apply pending migrations first (default true). */
  readonly migrate?: boolean;
  /** A schema of its own on a PostgreSQL server: test isolation. */
  readonly schema?: string;
  readonly applicationName?: string;
}

export async function openPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    memory: config.memory,
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
  const ledger = new Ledger({ db: database.db, clock, writers: 1 });
  return {
    config,
    db: database.db,
    driver: database.driver,
    clock,
    ledger,
    close: () => database.close(),
  };
}
