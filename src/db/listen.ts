import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/**
 * Subscribes `onEvent` to a channel: it is called with the payload of each notification on it, and
 * with null after each (re)connection, when notifications may have been missed, so the caller reads
 * afresh whatever the channel announces. Calls to one subscriber never overlap and keep the order of
 * the notifications, so a slow read cannot finish after (and undo) a later one.
 */
export type Listen = (channel: string, onEvent: (payload: string | null) => Promise<void>) => Promise<void>;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;
/**
 * A LISTEN connection is idle by nature, and a NAT or firewall may drop an idle connection without a
 * word: a query every HEARTBEAT_MS that must answer within CONNECT_TIMEOUT_MS notices it, as does TCP
 * keepalive probing after KEEPALIVE_MS (Linux's default waits two hours).
 */
const HEARTBEAT_MS = 15_000;
const KEEPALIVE_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * PostgreSQL's LISTEN on a connection of its own, outside the pool: a pooled connection is handed
 * to whoever asks next, and a notification arrives only on the session that listens. A lost
 * connection is opened again, with back-off, for as long as the database is open.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private readonly subscribers = new Map<string, Subscriber[]>();
  private retryMs = FIRST_RETRY_MS;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private connecting: Promise<void> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly applicationName: string,
  ) {}

  readonly listen: Listen = async (channel, onEvent) => {
    // Channels are netfin's own constants; the check keeps LISTEN's text free of quoting.
    if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
    const subscriber: Subscriber = { onEvent, queue: Promise.resolve() };
    const known = this.subscribers.get(channel);
    if (known) known.push(subscriber);
    else this.subscribers.set(channel, [subscriber]);
    if (this.connecting) await this.connecting;
    else if (!this.client && !this.timer) await this.connect();
    // A connection opened before this channel was known listens on it now (LISTEN twice is harmless);
    // with none, the next one listens on every channel.
    if (this.client && !known) await this.client.query(`listen ${channel}`);
  };

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.connecting;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting = this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `${this.applicationName}:listen`,
      // A connection silently cut (no FIN: a partition, a dead router) is noticed by TCP keepalive.
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: CONNECT_TIMEOUT_MS,
    });
    client.on('notification', (message) => this.deliver(message.channel, message.payload ?? ''));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.subscribers.keys()) await client.query(`listen ${channel}`);
    } catch {
      await client.end().catch(() => undefined);
      this.retry();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      client.query('select 1').catch(() => this.lost(client));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    for (const channel of this.subscribers.keys()) this.deliver(channel, null);
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    client.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed && !this.client && !this.connecting) void this.connect();
    }, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
  }

  private deliver(channel: string, payload: string | null): void {
    // A failed call is not retried here: the next notification or reconnection calls again.
    for (const subscriber of this.subscribers.get(channel) ?? []) enqueue(subscriber, payload);
  }
}

interface Subscriber {
  readonly onEvent: (payload: string | null) => Promise<void>;
  queue: Promise<void>;
}

/**
 * LISTEN on the embedded database: one process owns it, so its notifications are its own, and they
 * arrive with the results of the COMMIT that sends them (the Kysely dialect's messages go through
 * PGlite's parser, which hands notifications to `onNotification`). The one session never drops:
 * each subscriber is called with null once, when it subscribes.
 */
export class PGliteListener {
  private readonly subscribers = new Map<string, Subscriber[]>();
  private stop: (() => void) | null = null;

  constructor(
    private readonly pglite: PGlite,
    /** Runs a statement on the database's session, in its turn with the other queries. */
    private readonly run: (statement: string) => Promise<void>,
  ) {}

  readonly listen: Listen = async (channel, onEvent) => {
    if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
    const subscriber: Subscriber = { onEvent, queue: Promise.resolve() };
    const known = this.subscribers.get(channel);
    if (known) known.push(subscriber);
    else this.subscribers.set(channel, [subscriber]);
    this.stop ??= this.pglite.onNotification((name, payload) => {
      for (const s of this.subscribers.get(name) ?? []) enqueue(s, payload);
    });
    if (!known) await this.run(`listen ${channel}`);
    enqueue(subscriber, null);
  };

  close(): void {
    this.stop?.();
    this.stop = null;
  }
}

function enqueue(subscriber: Subscriber, payload: string | null): void {
  subscriber.queue = subscriber.queue.then(() => subscriber.onEvent(payload)).catch(() => undefined);
}
