import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { type Listen, PGliteListener, PgListener } from './listen.ts';
import { PGliteDialect } from './pglite-dialect.ts';

export type Driver = 'pglite' | 'postgres';

export interface DatabaseConfig {
  /** postgres://... selects a PostgreSQL server through node-postgres; absent selects embedded PGlite. */
  readonly url?: string | undefined;
  /** Where PGlite keeps its files; `undefined` with `memory` keeps everything in memory. */
  readonly dataDir?: string | undefined;
  readonly memory?: boolean;
  /**
   * An in-memory PGlite database starts as a copy of this data directory (a dumpDataDir tarball)
   * instead of an empty cluster made by initdb, which is most of the cost of opening one. For tests:
   * their run migrates one once (test/support/global-setup.ts) and every test starts from a copy.
   */
  readonly pgliteImage?: Blob | undefined;
  readonly poolSize?: number;
  /** A schema to create (if needed) and put first on the search path: test isolation on one server. */
  readonly schema?: string | undefined;
  /** An application name, shown in pg_stat_activity. */
  readonly applicationName?: string;
  /**
   * A read-only pool (PostgreSQL only): every transaction is read-only (default_transaction_read_only),
   * the schema is not created (a hot standby takes no DDL; the primary's arrives by replication), and
   * nothing listens (a standby takes no LISTEN). For reports on a streaming replica.
   */
  readonly readOnly?: boolean;
  /** How long a close waits for connections in use before it cuts them (CLOSE_GRACE_MS). */
  readonly closeGraceMs?: number;
}

export interface Database {
  readonly db: Kysely<any>;
  readonly driver: Driver;
  readonly schema: string;
  /**
   * Subscribes to notifications (NOTIFY, pg_notify) on a channel: on PostgreSQL, every process's, on
   * a connection of its own that is opened again if lost; on the embedded database, its one process's
   * own (listen.ts). A notification sent in a transaction arrives when, and only if, it commits.
   */
  readonly listen: Listen;
  /** The connections in use, idle and awaited right now (the platform's metrics read it when scraped). */
  poolUse(): PoolUse;
  close(): Promise<void>;
}

/** A pool's connections: `max` it may open, `open` now, of which `idle`; `waiting`: requests for one. */
export interface PoolUse {
  readonly max: number;
  readonly open: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * int8 → bigint and numeric → string on both drivers, so that no amount ever passes through a
 * JavaScript number; dates stay 'YYYY-MM-DD' strings, since a JS Date would attach a time zone.
 */
const INT8 = 20;
const INT8_ARRAY = 1016;
const NUMERIC = 1700;
const NUMERIC_ARRAY = 1231;
const DATE = 1082;
const DATE_ARRAY = 1182;

function parseArray<T>(text: string, parse: (element: string) => T): T[] {
  // Arrays of numbers and dates have no quoting to worry about: "{1,2,NULL}".
  if (text === '{}') return [];
  return text
    .slice(1, -1)
    .split(',')
    .map((element) => (element === 'NULL' ? (null as T) : parse(element)));
}

const identity = (value: string) => value;
const toBigInt = (value: string) => BigInt(value);

const pgTypeParsers: Record<number, (value: string) => unknown> = {
  [INT8]: toBigInt,
  [INT8_ARRAY]: (value) => parseArray(value, toBigInt),
  [NUMERIC]: identity,
  [NUMERIC_ARRAY]: (value) => parseArray(value, identity),
  [DATE]: identity,
  [DATE_ARRAY]: (value) => parseArray(value, identity),
};

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.readOnly && !config.url) throw new Error('a read-only database needs a PostgreSQL URL');
  return config.url ? openPostgres(config) : openPGlite(config);
}

async function openPostgres(config: DatabaseConfig): Promise<Database> {
  const schema = config.schema ?? 'public';
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    application_name: config.applicationName ?? 'netfin',
    // A lock held too long is a bug (a transaction waiting on itself through another connection, say):
    // fail it after 30 s rather than hang; and end sessions left idle inside a transaction.
    options: [
      '-c lock_timeout=30000',
      '-c idle_in_transaction_session_timeout=300000',
      ...(config.schema ? [`-c search_path=${quoteIdent(config.schema)}`] : []),
      ...(config.readOnly ? ['-c default_transaction_read_only=on'] : []),
    ].join(' '),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        pgTypeParsers[oid] ?? pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node would
  // crash the process. The next query will get a fresh connection.
  pool.on('error', () => {});
  if (config.schema && !config.readOnly) {
    const client = await pool.connect();
    try {
      await client.query(`create schema if not exists ${quoteIdent(config.schema)}`);
    } finally {
      client.release();
    }
  }
  const guarded = preparingPool(pool, config.closeGraceMs ?? CLOSE_GRACE_MS);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: guarded.pool }) });
  const listener = config.readOnly ? null : new PgListener(config.url!, config.applicationName ?? 'netfin');
  return {
    db,
    driver: 'postgres',
    schema,
    listen: listener ? listener.listen : async () => {},
    poolUse: () => ({
      max: pool.options.max,
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    close: async () => {
      if (listener) await slowNoted('closing the LISTEN connection', () => listener.close());
      await guarded.close();
      await slowNoted('ending the pool', () => db.destroy());
    },
  };
}

/** Runs a step of closing, and says on standard error which step it is when it takes over 10 s. */
async function slowNoted(what: string, step: () => Promise<void>): Promise<void> {
  const slow = setTimeout(
    () => process.stderr.write(`netfin: closing the database, still ${what} after 10 s\n`),
    10_000,
  );
  try {
    await step();
  } finally {
    clearTimeout(slow);
  }
}

/**
 * Statements with parameters become named prepared statements, one per distinct SQL text and
 * connection: PostgreSQL then parses and plans each of netfin's queries once per connection instead of
 * on every call, which is most of the cost of a small query. Our SQL texts are fixed templates (values
 * always travel as parameters), so the number of distinct statements stays small; a connection that
 * has gathered too many forgets them.
 */
const MAX_PREPARED_PER_CONNECTION = 500;

/**
 * Closing: pg's Pool.end() waits for every checked-out connection to come back, but never serves
 * a request still waiting for one. Work that holds a connection and waits for a second (a
 * transaction that awaits a group-commit writer, say) would then hold its first forever, and the
 * close would never end. So a close first refuses every waiting and every later request (the
 * work fails, rolls back and gives its connection back), then waits for the checked-out ones
 * (CLOSE_GRACE_MS), and past that cuts them (their queries fail) and hands them back to the pool
 * itself, naming them on standard error.
 */
const CLOSE_GRACE_MS = 15_000;

class DatabaseClosingError extends Error {
  override name = 'DatabaseClosingError';
  constructor() {
    super('the database is closing');
  }
}

interface GuardedPool {
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

function preparingPool(pool: pg.Pool, graceMs: number): GuardedPool {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `netfin_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      if (names.size < 10_000) names.set(text, name);
    }
    return name;
  };
  const prepared = new WeakMap<pg.PoolClient, Set<string>>();
  const wrapped = Object.create(pool) as pg.Pool;
  let closing = false;
  const waiting = new Set<(error: Error) => void>();
  // Checked-out connections, with where they were taken when NETFIN_DEBUG_POOL is set.
  const out = new Map<pg.PoolClient, string>();
  const debug = Boolean(process.env.NETFIN_DEBUG_POOL);
  // Connections the close cut and gave back itself, whatever their holders go on to do.
  const cut = new WeakSet<pg.PoolClient>();
  const checkout = () =>
    new Promise<pg.PoolClient>((resolve, reject) => {
      if (closing) return reject(new DatabaseClosingError());
      waiting.add(reject);
      pool.connect().then(
        (client) => {
          waiting.delete(reject);
          if (closing) {
            client.release();
            reject(new DatabaseClosingError());
          } else resolve(client);
        },
        (error: unknown) => {
          waiting.delete(reject);
          reject(error);
        },
      );
    });
  wrapped.connect = (async () => {
    const where = debug ? (new Error('checked out').stack ?? '') : '';
    const client = await checkout();
    out.set(client, where);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const proxy = Object.create(client) as pg.PoolClient;
    (proxy as { query: unknown }).query = (text: unknown, values?: unknown[]) => {
      if (typeof text !== 'string' || !values || values.length === 0) return query(text, values);
      let seen = prepared.get(client);
      if (!seen) {
        seen = new Set();
        prepared.set(client, seen);
      }
      if (seen.size >= MAX_PREPARED_PER_CONNECTION && !seen.has(text)) {
        return query(text, values);
      }
      seen.add(text);
      return query({ name: nameOf(text), text, values });
    };
    proxy.release = (error?: Error | boolean) => {
      if (cut.has(client)) return; // the close has given it back already
      out.delete(client);
      return client.release(error);
    };
    return proxy;
  }) as pg.Pool['connect'];
  return {
    pool: wrapped,
    close: async () => {
      closing = true;
      for (const reject of waiting) reject(new DatabaseClosingError());
      waiting.clear();
      const deadline = Date.now() + graceMs;
      while (out.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (out.size === 0) return;
      process.stderr.write(
        `netfin: closing the database, ${out.size} connection(s) still in use after ${graceMs} ms were cut${
          debug
            ? `:\n${[...out.values()].join('\n---\n')}`
            : ' (NETFIN_DEBUG_POOL=1 names where they were taken)'
        }\n`,
      );
      // Their holders' queries fail; the connections go back to the pool, destroyed, now rather than
      // when their holders let go (a holder waiting on something else might never), so the pool can end.
      for (const client of out.keys()) {
        (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        cut.add(client);
        client.release(new DatabaseClosingError());
      }
      out.clear();
    },
  };
}

async function openPGlite(config: DatabaseConfig): Promise<Database> {
  let lock: DataDirLock | undefined;
  let dataDir: string | undefined;
  if (config.pgliteImage && !config.memory)
    throw new Error('a PGlite image is for an in-memory database only');
  if (!config.memory) {
    dataDir = path.resolve(config.dataDir ?? '.netfin/data');
    mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir);
  }
  const parsers: Record<number, (value: string) => unknown> = { ...pgTypeParsers };
  const pglite = new PGlite({
    ...(dataDir ? { dataDir } : {}),
    ...(config.pgliteImage ? { loadDataDir: config.pgliteImage } : {}),
    parsers,
    serializers: {
      [INT8]: (value: unknown) => String(value),
      [pgliteTypes.NUMERIC]: (value: unknown) => String(value),
    },
  });
  await pglite.waitReady;
  const schema = config.schema ?? 'public';
  if (config.schema) {
    await pglite.exec(
      `create schema if not exists ${quoteIdent(config.schema)}; set search_path to ${quoteIdent(config.schema)}`,
    );
  }
  const dialect = new PGliteDialect(pglite);
  const db = new Kysely<any>({ dialect });
  const listener = new PGliteListener(pglite, async (statement) => {
    await sql.raw(statement).execute(db);
  });
  return {
    db,
    driver: 'pglite',
    schema,
    listen: listener.listen,
    // One session in the process, always open: busy or idle, and the work queued for it.
    poolUse: () => ({ max: 1, open: 1, idle: 1 - dialect.use.busy, waiting: dialect.use.waiting }),
    close: async () => {
      listener.close();
      await db.destroy();
      lock?.release();
    },
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
