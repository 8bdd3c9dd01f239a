import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchObserver } from '../batch/index.ts';
import type { PoolUse } from '../db/index.ts';
import type { PlainDate, QueueObserver } from '../kernel/index.ts';
import type { LedgerObserver, TransferEventResult } from '../ledger/index.ts';
import type { NotificationResult, PaymentsObserver } from '../payments/index.ts';
import type { RiskObserver } from '../risk/index.ts';

/**
 * The platform's metrics, in the Prometheus text format (docs/operations.md says what each means and
 * which alerts to set). One registry per platform, not prom-client's global one: a process (a test
 * run) may open many platforms, and each counts its own. The contexts know nothing of Prometheus:
 * they take an optional observer (LedgerObserver, RiskObserver...) and this file implements them.
 * On the hot paths only counters and histograms move, through label children made once; anything
 * that can be read when scraped (queue depths, pools, the business date) is read then.
 */

/** Latency buckets in seconds: 1 ms to 10 s, dense where the targets are (tens of milliseconds). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Group and batch sizes: 1 to the largest a queue takes (1000 transfers, bids, wallet transfers). */
const SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
/** Day-close chunks and steps: 10 ms to 10 minutes. */
const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600];

type Observe = { observe(value: number): void };
type Increment = { inc(value?: number): void };

/** Label children made on first use and kept: after the first request of a kind, nothing is allocated here. */
class Children<T> {
  private readonly made = new Map<string, T>();
  constructor(private readonly make: (key: string) => T) {}
  get(key: string): T {
    let child = this.made.get(key);
    if (child === undefined) {
      child = this.make(key);
      this.made.set(key, child);
    }
    return child;
  }
}

/**
 * A group-commit queue watched from outside: its depth, and how long each caller waited, from the
 * times they joined (queues are first in, first out within a lane, so the first `size` times are the
 * group's).
 */
class WatchedQueue implements QueueObserver {
  depth = 0;
  private readonly times: number[] = [];
  private head = 0;
  private readonly lanes = new Map<string, { times: number[]; head: number }>();

  constructor(
    private readonly wait: Observe,
    private readonly groupSize: Observe,
  ) {}

  joined(lane?: string): void {
    this.depth++;
    if (lane === undefined) this.times.push(performance.now());
    else {
      let fifo = this.lanes.get(lane);
      if (!fifo) {
        fifo = { times: [], head: 0 };
        this.lanes.set(lane, fifo);
      }
      fifo.times.push(performance.now());
    }
  }

  left(size: number, lane?: string): void {
    this.depth -= size;
    this.groupSize.observe(size);
    const now = performance.now();
    if (lane === undefined) {
      this.head = this.observeWaits(this.times, this.head, size, now);
      return;
    }
    const fifo = this.lanes.get(lane);
    if (!fifo) return;
    fifo.head = this.observeWaits(fifo.times, fifo.head, size, now);
    if (fifo.head === 0) this.lanes.delete(lane);
  }

  /** Observes the waits of the `size` oldest, and returns the new head (0 once the times are all used). */
  private observeWaits(times: number[], head: number, size: number, now: number): number {
    const end = Math.min(head + size, times.length);
    for (let i = head; i < end; i++) this.wait.observe((now - times[i]!) / 1000);
    if (end < times.length) return end;
    times.length = 0;
    return 0;
  }
}

/** Where a database pool is read from when scraped: the primary, and the replica when there is one. */
export type PoolSource = () => PoolUse;

export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly queues = new Map<string, WatchedQueue>();
  private readonly queueWait: Histogram<'queue'>;
  private readonly queueGroupSize: Histogram<'queue'>;
  private readonly pools = new Map<string, PoolSource>();
  private openExceptions: (() => Promise<number>) | undefined;
  private businessDate: (() => PlainDate) | undefined;

  readonly ledger: LedgerObserver;
  readonly risk: RiskObserver;
  readonly payments: PaymentsObserver;
  readonly bids: QueueObserver;
  readonly batch: BatchObserver;

  constructor() {
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'netfin_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status: time from the request to the response sent (_count: the requests)',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });

    this.queueWait = new Histogram({
      name: 'netfin_group_commit_wait_seconds',
      help: "Time a caller waited in a group-commit queue before its group's transaction started",
      labelNames: ['queue'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.queueGroupSize = new Histogram({
      name: 'netfin_group_commit_group_size',
      help: 'Callers written together in one group-commit transaction',
      labelNames: ['queue'],
      buckets: SIZE_BUCKETS,
      registers,
    });
    const queues = this.queues;
    new Gauge({
      name: 'netfin_group_commit_queue_depth',
      help: 'Callers waiting in a group-commit queue (not yet in a transaction)',
      labelNames: ['queue'],
      registers,
      collect() {
        for (const [name, queue] of queues) this.set({ queue: name }, queue.depth);
      },
    });

    const transfers = new Counter({
      name: 'netfin_ledger_transfers_total',
      help: 'Ledger transfers submitted, by result (ok, or the code that refused it: exceeds_credits, exists...)',
      labelNames: ['result'],
      registers,
    });
    const transferResults = new Children<Increment>((result) => transfers.labels(result));
    const batchSize = new Histogram({
      name: 'netfin_ledger_batch_size',
      help: "Transfers in one caller's batch written to the ledger",
      buckets: SIZE_BUCKETS,
      registers,
    });
    this.ledger = {
      queue: this.queue('ledger'),
      written: (results: readonly TransferEventResult[]) => {
        batchSize.observe(results.length);
        for (const r of results) transferResults.get(r.result).inc();
      },
    };

    const decisions = new Histogram({
      name: 'netfin_risk_decision_duration_seconds',
      help: 'Credit decisions by outcome (approve, refer, decline; error: none made), from the request to the logged decision (_count: the decisions)',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const byOutcome = new Children<Observe>((outcome) => decisions.labels(outcome));
    this.risk = {
      queue: this.queue('decision_log'),
      decided: (outcome, seconds) => byOutcome.get(outcome).observe(seconds),
    };

    const notifications = new Histogram({
      name: 'netfin_payment_notifications_duration_seconds',
      help: "Payment channels' notifications by channel and result (accepted, rejected, malformed, unknown_channel, error), time to answer (_count: the notifications)",
      labelNames: ['channel', 'result'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const byResult = new Children<Observe>((key) => {
      const [channel, result] = key.split('\u0000') as [string, NotificationResult];
      return notifications.labels(channel, result);
    });
    this.payments = {
      queue: this.queue('wallet_transfers'),
      notificationQueue: this.queue('payment_notifications'),
      // The key is built once per notification: they are not the hot path requests are.
      notified: (channel, result, seconds) => byResult.get(`${channel}\u0000${result}`).observe(seconds),
    };
    this.bids = this.queue('bids');
    const exceptions = () => this.openExceptions;
    new Gauge({
      name: 'netfin_payment_exceptions_open',
      help: 'Reconciliation exceptions open (a channel and netfin disagree; finance resolves them)',
      registers,
      async collect() {
        const count = exceptions();
        // A database that does not answer makes the gauge NaN (not known), not 0 and not a failed scrape.
        if (count)
          await count().then(
            (n) => this.set(n),
            () => this.set(Number.NaN),
          );
      },
    });

    this.batch = this.dayCloseMetrics();
    this.poolMetrics();
  }

  /** The watcher of a group-commit queue, named by `queue` in the metrics' labels. */
  private queue(name: string): WatchedQueue {
    const queue = new WatchedQueue(this.queueWait.labels(name), this.queueGroupSize.labels(name));
    this.queues.set(name, queue);
    return queue;
  }

  private dayCloseMetrics(): BatchObserver {
    const registers = [this.registry];
    const chunkSeconds = new Histogram({
      name: 'netfin_day_close_chunk_duration_seconds',
      help: 'Day-close work by step: the time of each chunk (a step of one chunk, most steps most days: the whole step)',
      labelNames: ['step'],
      buckets: STEP_BUCKETS,
      registers,
    });
    const rows = new Counter({
      name: 'netfin_day_close_rows_total',
      help: 'Rows the day-close steps worked on, by step',
      labelNames: ['step'],
      registers,
    });
    const failures = new Counter({
      name: 'netfin_day_close_failures_total',
      help: 'Day-close steps that failed (the run stops there and resumes when started again), by step',
      labelNames: ['step'],
      registers,
    });
    const position = new Gauge({
      name: 'netfin_day_close_step_position',
      help: 'The step the running day-close has reached (1-based, done up to it), of netfin_day_close_steps',
      registers,
    });
    const steps = new Gauge({
      name: 'netfin_day_close_steps',
      help: 'Steps in the day-close run this process works on',
      registers,
    });
    const running = new Gauge({
      name: 'netfin_day_close_running_date_timestamp_seconds',
      help: 'The business date (its midnight in Asia/Shanghai, Unix time) of the day-close this process works on; 0 when none',
      registers,
    });
    const finished = new Gauge({
      name: 'netfin_day_close_last_finished_timestamp_seconds',
      help: 'When (Unix time) this process last saw a day-close run finish',
      registers,
    });
    const business = () => this.businessDate;
    new Gauge({
      name: 'netfin_business_date_timestamp_seconds',
      help: 'The open business date: its midnight in Asia/Shanghai, as Unix time (moves on when a day-close finishes)',
      registers,
      collect() {
        const date = business();
        if (date) this.set(dateSeconds(date()));
      },
    });
    const chunks = new Children<Observe>((step) => chunkSeconds.labels(step));
    const stepRows = new Children<Increment>((step) => rows.labels(step));
    return {
      chunkDone: (step, count, seconds) => {
        chunks.get(step).observe(seconds);
        stepRows.get(step).inc(count);
      },
      progress: (date, at, of) => {
        running.set(dateSeconds(date));
        position.set(at);
        steps.set(of);
      },
      failed: (step) => failures.labels(step).inc(),
      closed: () => {
        running.set(0);
        finished.set(Date.now() / 1000);
      },
    };
  }

  private poolMetrics(): void {
    const pools = this.pools;
    const read = (each: (gauge: Gauge<'database'>, name: string, use: PoolUse) => void) =>
      function (this: Gauge<'database'>) {
        for (const [name, source] of pools) each(this, name, source());
      };
    const registers = [this.registry];
    new Gauge({
      name: 'netfin_db_pool_connections_max',
      help: 'Connections the pool may open (PGlite: its one session)',
      labelNames: ['database'],
      registers,
      collect: read((gauge, database, use) => gauge.set({ database }, use.max)),
    });
    new Gauge({
      name: 'netfin_db_pool_connections_open',
      help: 'Connections the pool has open',
      labelNames: ['database'],
      registers,
      collect: read((gauge, database, use) => gauge.set({ database }, use.open)),
    });
    new Gauge({
      name: 'netfin_db_pool_connections_idle',
      help: 'Open connections no one is using',
      labelNames: ['database'],
      registers,
      collect: read((gauge, database, use) => gauge.set({ database }, use.idle)),
    });
    new Gauge({
      name: 'netfin_db_pool_waiting',
      help: 'Requests waiting for a connection (all are in use)',
      labelNames: ['database'],
      registers,
      collect: read((gauge, database, use) => gauge.set({ database }, use.waiting)),
    });
  }

  /** Reads a database pool's use when scraped, as `database` (primary, replica). */
  watchPool(database: string, source: PoolSource): void {
    this.pools.set(database, source);
  }

  /** Where the open business date and the open reconciliation exceptions are read from when scraped. */
  watchPlatform(sources: { businessDate: () => PlainDate; openExceptions: () => Promise<number> }): void {
    this.businessDate = sources.businessDate;
    this.openExceptions = sources.openExceptions;
  }

  /**
   * A route's recorder of finished requests (the API installs one per route): `route` is the route's
   * pattern, never the URL, so that the series stay few whatever clients send.
   */
  httpRoute(method: string, route: string): (status: number, seconds: number) => void {
    const byStatus = new Map<number, Observe>();
    return (status, seconds) => {
      let child = byStatus.get(status);
      if (!child) {
        child = this.httpDuration.labels(method, route, String(status));
        byStatus.set(status, child);
      }
      child.observe(seconds);
    };
  }

  /** The scrape: every metric in the Prometheus text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** A business date's midnight in Asia/Shanghai (UTC+8, no daylight saving) as Unix seconds. */
function dateSeconds(date: PlainDate): number {
  return Date.parse(`${date}T00:00:00+08:00`) / 1000;
}
