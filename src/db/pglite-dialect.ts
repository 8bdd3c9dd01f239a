import { type PGlite, parse, protocol, type Results } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * A Kysely dialect for PGlite: the same PostgreSQL compiler and adapter as the server dialect, and a
 * driver that hands out PGlite's single connection to one user at a time. PGlite runs one session in
 * one process, so a transaction must own the connection from BEGIN to COMMIT; other queries queue.
 */
export class PGliteDialect implements Dialect {
  /** The one session's use, for the platform's metrics: whether it is taken, and how many wait for it. */
  readonly use = { busy: 0, waiting: 0 };

  constructor(private readonly pglite: PGlite) {}

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.use);
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

/** Named statements kept prepared on PGlite's one session; the least recently used is closed beyond. */
const PREPARED_LIMIT = 400;

type BackendMessages = Awaited<ReturnType<PGlite['execProtocolStream']>>;

interface Prepared {
  readonly name: string;
  /** The type of each parameter, as the server inferred it: how its value is serialised. */
  readonly types: readonly number[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * PGlite's one session. `PGlite.query` sends each statement as five protocol messages, each its own
 * call into the WebAssembly module (parse, describe, bind, describe, execute, then sync), and the
 * server parses and plans it every time. Here a statement with parameters is parsed once under a
 * name (its parameter types described in the same call) and then run as one message of bind,
 * describe, execute and sync: one call in, and the server's plan cache does the rest, as with
 * prepared statements on a server. A statement without parameters goes through the simple query
 * protocol, which, like node-postgres, accepts a script of several statements (migrations are such
 * scripts). Results are parsed by PGlite's own parser with its type parsers, so rows are what
 * `PGlite.query` would return.
 */
class PGliteConnection implements DatabaseConnection {
  private readonly prepared = new Map<string, Prepared>();
  private named = 0;

  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result =
      compiled.parameters.length === 0
        ? await this.simple(compiled.sql)
        : await this.extended(compiled.sql, compiled.parameters as unknown[]);
    const affected = result.affectedRows;
    return {
      rows: result.rows as R[],
      ...(affected !== undefined && result.command !== 'SELECT' ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  private async simple(text: string): Promise<Results> {
    const messages = await this.send(concat([serialize.query(text), serialize.sync()]), text, undefined);
    const results = parse.parseResults(messages, this.pglite.parsers, { rowMode: 'object' }) as Results[];
    return results[results.length - 1] ?? { rows: [], fields: [] };
  }

  private async extended(text: string, params: unknown[]): Promise<Results> {
    const statement = await this.prepare(text, params);
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const serializer = this.pglite.serializers[statement.types[i]!];
      return serializer ? (serializer(param) as string) : String(param);
    });
    let messages: BackendMessages;
    try {
      messages = await this.send(
        concat([
          serialize.bind({ statement: statement.name, values }),
          serialize.describe({ type: 'P' }),
          serialize.execute({}),
          serialize.sync(),
        ]),
        text,
        params,
      );
    } catch (error) {
      // A table changed under a prepared statement (a migration, a test's DDL): prepare it again,
      // at once outside a transaction (inside, the error has aborted it: the next attempt will).
      if ((error as { code?: string }).code !== '0A000') throw error;
      await this.forget(text).catch(() => undefined);
      if (this.pglite.isInTransaction()) throw error;
      return this.extended(text, params);
    }
    return parse.parseResults(messages, this.pglite.parsers, { rowMode: 'object' })[0] as Results;
  }

  private async prepare(text: string, params: unknown[]): Promise<Prepared> {
    const known = this.prepared.get(text);
    if (known) {
      // Most recently used last: the first in the map is the one to close.
      this.prepared.delete(text);
      this.prepared.set(text, known);
      return known;
    }
    if (this.prepared.size >= PREPARED_LIMIT) await this.forget(this.prepared.keys().next().value!);
    this.named += 1;
    const name = `netfin_${this.named}`;
    const described = await this.send(
      concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      text,
      params,
    );
    const statement = { name, types: parse.parseDescribeStatementResults(described) };
    this.prepared.set(text, statement);
    return statement;
  }

  private async forget(text: string): Promise<void> {
    const statement = this.prepared.get(text);
    if (!statement) return;
    this.prepared.delete(text);
    await this.send(
      concat([serialize.close({ type: 'S', name: statement.name }), serialize.sync()]),
      text,
      undefined,
    );
  }

  /** One call into PGlite, under its query lock; errors carry the statement, as PGlite's own do. */
  private async send(
    message: Uint8Array,
    text: string,
    params: unknown[] | undefined,
  ): Promise<BackendMessages> {
    const run = async () => {
      try {
        return await this.pglite.execProtocolStream(message, { syncToFs: false });
      } finally {
        await this.pglite.syncToFs();
      }
    };
    try {
      // PGlite's own lock for a query (internal, so used only when present): nothing else of
      // PGlite's may interleave with these messages.
      const exclusive = (
        this.pglite as unknown as { _runExclusiveQuery?: (fn: typeof run) => ReturnType<typeof run> }
      )._runExclusiveQuery;
      return await (exclusive ? exclusive.call(this.pglite, run) : run());
    } catch (error) {
      if (error instanceof Error && 'code' in error) Object.assign(error, { query: text, params });
      throw error;
    }
  }

  // biome-ignore lint/correctness/useYield: PGlite cannot stream; the method must exist but only throws.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming queries; page through results instead');
  }
}

const { serialize } = protocol;

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pglite: PGlite,
    private readonly use: { busy: number; waiting: number },
  ) {
    this.connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  private current: (() => void) | undefined;

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.queue;
    this.queue = previous.then(() => turn);
    this.use.waiting++;
    await previous;
    this.use.waiting--;
    this.use.busy = 1;
    this.current = release;
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = 'begin';
    if (settings.isolationLevel) statement += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) statement += ` ${settings.accessMode}`;
    await this.raw(connection, statement);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.raw(connection, 'commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.raw(connection, 'rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.raw(connection, `savepoint ${name}`);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.raw(connection, `rollback to savepoint ${name}`);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await this.raw(connection, `release savepoint ${name}`);
  }

  async releaseConnection(): Promise<void> {
    const release = this.current;
    this.current = undefined;
    this.use.busy = 0;
    release?.();
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }

  private async raw(connection: DatabaseConnection, sqlText: string): Promise<void> {
    await connection.executeQuery({ sql: sqlText, parameters: [] } as unknown as CompiledQuery);
  }
}
