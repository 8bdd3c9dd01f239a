import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { type Executor, inTransaction, type Listen } from '../db/index.ts';
import { addDays, type Clock, conflict, invalid, type PlainDate } from '../kernel/index.ts';
import {
  announceBusinessDate,
  BUSINESS_DATE_CHANNEL,
  ensureBusinessDate,
  moveBusinessDate,
  readBusinessDate,
} from './calendar.ts';
import { type RunReport, runReports } from './reports.ts';
import { type BatchStep, type ChunkBounds, checkStep } from './steps.ts';

export interface BatchOptions {
  readonly db: Executor;
  readonly clock: Clock;
  /**
   * How long a chunk of a non-transactional step stays its worker's before another may take it
   * (default 60 s). Chunks of transactional steps need no lease: their row stays locked by the
   * transaction doing the work, and a worker that dies releases it at once.
   */
  readonly leaseSeconds?: number;
  /** One process owns the database (the embedded one): a lease left by a killed run is void at once. */
  readonly exclusive?: boolean;
  /** Who watches the day-close (the platform's metrics); nobody by default. */
  readonly observer?: BatchObserver;
}

/** What the day-close tells the platform's metrics (src/app/metrics.ts), from the process doing the work. */
export interface BatchObserver {
  /** A chunk of `step` (a step of one chunk: the whole step) did `rows` in `seconds`. */
  chunkDone(step: string, rows: number, seconds: number): void;
  /** The run of `date` is at step `position` (1-based; done up to it) of `steps`. */
  progress(date: PlainDate, position: number, steps: number): void;
  /** `step` failed (the run stops there; running it again resumes). */
  failed(step: string): void;
  /** The run of `date` finished and the business date moved on. */
  closed(date: PlainDate): void;
}

export interface Progress {
  readonly date: PlainDate;
  readonly step: string;
  readonly position: number;
  readonly steps: number;
  readonly chunksDone: number;
  readonly chunks: number;
  readonly rows: number;
}

export interface CloseResult {
  readonly date: PlainDate;
  /** The date was already closed: nothing was done. */
  readonly alreadyClosed: boolean;
  readonly nextBusinessDate: PlainDate;
}

/**
 * The day-close batch. Contexts register their steps; `close` runs every step for the current
 * business date, in order, chunk by chunk, and then moves the business date on. Each chunk is marked
 * done in the transaction that did its work, so a closed date closed again changes nothing and a run
 * killed at any moment finishes, when started again, exactly where it stopped. Any number of
 * processes (`netfin worker`) may drive the same run: they share the chunks of the current step
 * through the work table, claimed with FOR UPDATE SKIP LOCKED under a lease.
 */
export class Batch {
  private readonly registered: BatchStep[] = [];
  private readonly leaseMs: number;

  constructor(private readonly options: BatchOptions) {
    this.leaseMs = (options.leaseSeconds ?? 60) * 1000;
  }

  register(step: BatchStep): void {
    checkStep(step, this.registered);
    this.registered.push(step);
    this.registered.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  }

  steps(): readonly BatchStep[] {
    return this.registered;
  }

  /** The business date, reading (and on a new database, writing) the calendar; the clock follows it. */
  businessDate(): Promise<PlainDate> {
    return ensureBusinessDate(this.options.db, this.options.clock);
  }

  /**
   * Sets the business date of a database on which no day was ever closed (demo data starts its book
   * in the past); refused once a day-close has run.
   */
  async startCalendarAt(date: PlainDate): Promise<void> {
    await this.businessDate();
    await inTransaction(this.options.db, async (trx) => {
      const moved =
        await sql`update business_calendar set business_date = ${date}, updated_at = ${this.options.clock.now()}
                              where not exists (select 1 from batch_runs)`.execute(trx);
      if (!moved.numAffectedRows)
        throw invalid('date_not_open', 'the business calendar has closed days already');
      await announceBusinessDate(trx, date);
    });
    await this.refresh();
  }

  /**
   * Reads the calendar again (another process may have closed a date) and sets the clock. Reads run
   * one after another: a read that began before a close committed must not finish after the read
   * the close's notification started and put the clock back on the closed date.
   */
  refresh(): Promise<PlainDate | null> {
    const read = this.refreshing.then(async () => {
      const date = await readBusinessDate(this.options.db);
      if (date) this.options.clock.setBusinessDate(date);
      return date;
    });
    this.refreshing = read.then(
      () => undefined,
      () => undefined,
    );
    return read;
  }
  private refreshing: Promise<void> = Promise.resolve();

  /**
   * Keeps the clock's business date current while other processes close days: `listen` subscribes
   * to the channel on which a close announces the new date as it commits (PostgreSQL's NOTIFY) and
   * calls back on each notification and on each (re)connection, when notifications may have been
   * missed; either way the calendar is read again.
   */
  follow(listen: Listen): Promise<void> {
    return listen(BUSINESS_DATE_CHANNEL, async () => {
      await this.refresh();
    });
  }

  /**
   * Closes the current business date (finishing a run a crash left behind), or, given `date`, checks
   * that it is the current one or one already closed (which changes nothing).
   */
  async close(
    worker: string,
    options: { date?: PlainDate; workers?: number; onProgress?: (p: Progress) => void } = {},
  ): Promise<CloseResult> {
    const current = await this.businessDate();
    if (options.date && options.date < current) {
      const run = await this.run(options.date);
      if (run?.status === 'done')
        return { date: options.date, alreadyClosed: true, nextBusinessDate: current };
      throw invalid(
        'date_not_open',
        `${options.date} is before the business date ${current} and was never closed`,
      );
    }
    if (options.date && options.date > current)
      throw invalid(
        'date_not_open',
        `${options.date} is after the business date ${current}: close ${current} first`,
      );
    const date = current;
    await this.start(date, options.workers ?? 1);
    await this.drive(date, worker, options.onProgress);
    const next = await this.finish(date);
    return { date, alreadyClosed: false, nextBusinessDate: next };
  }

  /** Closes every date from the business date up to and including `to`, in order. */
  async closeThrough(
    to: PlainDate,
    worker: string,
    options: {
      workers?: number;
      onProgress?: (p: Progress) => void;
      onClosed?: (r: CloseResult) => void;
    } = {},
  ): Promise<CloseResult[]> {
    const results: CloseResult[] = [];
    for (let date = await this.businessDate(); date <= to; date = await this.businessDate()) {
      const result = await this.close(worker, options);
      results.push(result);
      options.onClosed?.(result);
    }
    return results;
  }

  /** The run in progress, if any: the date a worker should help with. */
  async openRun(): Promise<PlainDate | null> {
    const rows = await sql<{ d: PlainDate }>`
      select business_date as d from batch_runs where status = 'running' order by business_date limit 1`.execute(
      this.options.db,
    );
    return rows.rows[0]?.d ?? null;
  }

  /**
   * A worker's life: help with each run in progress until it is done; with `untilIdle`, return when
   * there is none, otherwise wait for the next (polling every `pollMs`).
   */
  async work(
    worker: string,
    options: { untilIdle?: boolean; pollMs?: number; signal?: AbortSignal } = {},
  ): Promise<number> {
    let runs = 0;
    while (!options.signal?.aborted) {
      const date = await this.openRun();
      if (date) {
        await this.drive(date, worker);
        await this.finish(date);
        runs += 1;
        continue;
      }
      if (options.untilIdle) break;
      await sleep(options.pollMs ?? 1000, undefined, { signal: options.signal }).catch(() => undefined);
    }
    return runs;
  }

  private async start(date: PlainDate, workers: number): Promise<void> {
    await inTransaction(this.options.db, async (trx) => {
      await sql`insert into batch_runs (business_date, status, workers, started_at) values (${date}, 'running', ${workers}, ${this.options.clock.now()})
                on conflict (business_date) do update set workers = excluded.workers, last_error = null
                where batch_runs.status = 'running'`.execute(trx);
      const steps = this.registered;
      await sql`insert into batch_steps (business_date, step, position, owner, status)
                select ${date}, s.step, s.position, s.owner, 'pending'
                from unnest(${steps.map((s) => s.name)}::text[], ${steps.map((s) => s.position)}::int[], ${steps.map((s) => s.owner)}::text[])
                  as s(step, position, owner)
                on conflict (business_date, step) do nothing`.execute(trx);
    });
  }

  /** Works through the steps of a date in order, with whatever other workers are on it. */
  private async drive(date: PlainDate, worker: string, onProgress?: (p: Progress) => void): Promise<void> {
    const rows = await sql<{ step: string; status: string }>`
      select step, status from batch_steps where business_date = ${date} order by position, step`.execute(
      this.options.db,
    );
    const steps = rows.rows.map((row) => {
      const step = this.registered.find((s) => s.name === row.step);
      if (!step)
        throw conflict(
          'unknown_step',
          `the run of ${date} has a step this process does not know: ${row.step}`,
        );
      return { step, done: row.status === 'done' };
    });
    const progress = async (index: number) => {
      this.options.observer?.progress(date, index + 1, steps.length);
      return onProgress?.({
        ...(await this.progressOf(date, steps[index]!.step)),
        position: index + 1,
        steps: steps.length,
      });
    };
    for (let index = 0; index < steps.length; ) {
      if (steps[index]!.done) {
        index += 1;
        continue;
      }
      const finished = await this.plan(
        date,
        steps.slice(index).map((s) => s.step),
        worker,
      );
      for (let k = 0; k < finished; k++) await progress(index + k);
      index += finished;
      if (index >= steps.length) break;
      // A step with chunks to claim: planned just now, or by another worker.
      const step = steps[index]!.step;
      for (;;) {
        const did =
          step.transactional === false
            ? await this.runLeasedChunk(date, step, worker)
            : await this.runLockedChunk(date, step, worker);
        if (did) {
          await progress(index);
          continue;
        }
        // Nothing left to claim: done, or chunks in other workers' hands (or leased by one that died).
        if (await this.completeStep(date, step.name)) break;
        // A lease held by a process of this machine that no longer exists (killed) is void at once.
        if (step.transactional === false && (await this.releaseDeadLeases(date, step.name))) continue;
        await sleep(100);
      }
      await progress(index);
      index += 1;
    }
  }

  /**
   * Plans the pending steps from the first of `steps` on, in order, in one transaction, and finishes
   * there every step that needs no chunk claimed: one with nothing to do, and a transactional step of
   * one chunk (most steps, most days), which is run in this transaction with its chunk stored as
   * done. Every step so finished commits with its mark, or none of them does (a failure rolls the
   * whole transaction back and a resumed run plans them again): the same guarantees as a transaction
   * per step, at a fraction of the statements. Stops at the first step with chunks to be claimed
   * (several, or a non-transactional step's), which it leaves planned, or one another worker
   * planned. Returns how many of `steps` are done, from the first.
   */
  private async plan(date: PlainDate, steps: readonly BatchStep[], worker: string): Promise<number> {
    let current = steps[0]!;
    // Told to the observer (the metrics) once the transaction has committed, not before: a rolled
    // back attempt finished nothing.
    let observed: readonly { step: string; rows: number; ms: number }[] = [];
    try {
      const count = await inTransaction(this.options.db, async (trx) => {
        const locked = await sql<{ step: string; status: string }>`
          select step, status from batch_steps
          where business_date = ${date} and step = any(${steps.map((s) => s.name)}::text[])
          order by position, step for update`.execute(trx);
        const status = new Map(locked.rows.map((row) => [row.step, row.status]));
        const finished: {
          step: string;
          chunk: ChunkBounds | null;
          rows: number;
          ms: number;
          started: string;
          finished: string;
        }[] = [];
        let count = 0;
        for (const step of steps) {
          current = step;
          const state = status.get(step.name);
          if (state === 'done') {
            count += 1;
            continue;
          }
          if (state !== 'pending') break;
          const started = this.options.clock.now().toISOString();
          const chunks: readonly ChunkBounds[] = step.plan ? await step.plan(trx, date) : [{}];
          if (chunks.length === 0 || (chunks.length === 1 && step.transactional !== false)) {
            const began = performance.now();
            const rows = chunks.length === 0 ? 0 : await step.run(trx, date, chunks[0]!);
            finished.push({
              step: step.name,
              chunk: chunks[0] ?? null,
              rows,
              ms: Math.round(performance.now() - began),
              started,
              finished: this.options.clock.now().toISOString(),
            });
            count += 1;
            continue;
          }
          await sql`
            with planned as (
              insert into batch_chunks (business_date, step, partition, bounds, status)
              select ${date}, ${step.name}, t.ordinality::int - 1, t.bounds, 'pending'
              from jsonb_array_elements(${JSON.stringify(chunks)}::jsonb) with ordinality as t(bounds, ordinality))
            update batch_steps set status = 'planned', chunks = ${chunks.length}, started_at = ${started}::timestamptz
            where business_date = ${date} and step = ${step.name}`.execute(trx);
          break;
        }
        if (finished.length > 0) await this.storeFinished(trx, date, worker, finished);
        observed = finished;
        return count;
      });
      for (const f of observed) this.options.observer?.chunkDone(f.step, f.rows, f.ms / 1000);
      return count;
    } catch (error) {
      throw await this.failed(date, current, null, error);
    }
  }

  /** The steps a planning transaction finished: their chunk (if they had one) done, and them done. */
  private async storeFinished(
    trx: Executor,
    date: PlainDate,
    worker: string,
    finished: readonly {
      step: string;
      chunk: ChunkBounds | null;
      rows: number;
      ms: number;
      started: string;
      finished: string;
    }[],
  ): Promise<void> {
    const chunked = finished.filter((f) => f.chunk !== null);
    await sql`
      with chunks as (
        insert into batch_chunks (business_date, step, partition, bounds, status, rows, ms, claimed_by, done_by, finished_at)
        select ${date}, c.step, 0, c.bounds::jsonb, 'done', c.rows, c.ms, ${worker}, ${worker}, c.finished
        from unnest(${chunked.map((f) => f.step)}::text[], ${chunked.map((f) => JSON.stringify(f.chunk))}::text[],
                    ${chunked.map((f) => f.rows)}::int8[], ${chunked.map((f) => f.ms)}::int[],
                    ${chunked.map((f) => f.finished)}::timestamptz[]) as c(step, bounds, rows, ms, finished))
      update batch_steps s set status = 'done', chunks = f.chunks, rows = f.rows, started_at = f.started, finished_at = f.finished
      from unnest(${finished.map((f) => f.step)}::text[], ${finished.map((f) => (f.chunk === null ? 0 : 1))}::int[],
                  ${finished.map((f) => f.rows)}::int8[], ${finished.map((f) => f.started)}::timestamptz[],
                  ${finished.map((f) => f.finished)}::timestamptz[]) as f(step, chunks, rows, started, finished)
      where s.business_date = ${date} and s.step = f.step`.execute(trx);
  }

  /**
   * A transactional step's chunk: claimed with FOR UPDATE SKIP LOCKED inside the transaction that
   * does its work and marks it done. Other workers skip it while the transaction runs; if the
   * worker dies, the database rolls the transaction back and the chunk is free again at once.
   */
  private async runLockedChunk(date: PlainDate, step: BatchStep, worker: string): Promise<boolean> {
    let partition: number | null = null;
    let done: { rows: number; seconds: number } | null = null;
    try {
      const ran = await inTransaction(this.options.db, async (trx) => {
        done = null;
        const free = await sql<{ partition: number; bounds: ChunkBounds }>`
          select partition, bounds from batch_chunks
          where business_date = ${date} and step = ${step.name} and status = 'pending'
          order by partition limit 1 for update skip locked`.execute(trx);
        const chunk = free.rows[0];
        if (!chunk) return false;
        partition = chunk.partition;
        const started = performance.now();
        const rows = await step.run(trx, date, chunk.bounds);
        done = await this.markDone(trx, date, step.name, chunk.partition, worker, rows, started);
        return true;
      });
      const committed = done as { rows: number; seconds: number } | null;
      if (committed) this.options.observer?.chunkDone(step.name, committed.rows, committed.seconds);
      return ran;
    } catch (error) {
      throw await this.failed(date, step, partition, error);
    }
  }

  /**
   * A non-transactional step's chunk: claimed under a lease, run (the step is idempotent by
   * itself), then marked done. A worker that dies leaves the chunk to whoever comes after the lease.
   */
  private async runLeasedChunk(date: PlainDate, step: BatchStep, worker: string): Promise<boolean> {
    const now = this.options.clock.now();
    // The free chunk is picked in a materialized CTE: as a subquery in FROM, the planner may rescan
    // it per row, and with SKIP LOCKED each rescan finds another chunk (claiming several at once).
    const claimed = await sql<{ partition: number; bounds: ChunkBounds }>`
      with free as materialized (
        select partition from batch_chunks
        where business_date = ${date} and step = ${step.name} and status = 'pending'
          and (${this.options.exclusive ?? false} or lease_until is null or lease_until < ${now})
        order by partition limit 1 for update skip locked)
      update batch_chunks c set claimed_by = ${worker}, lease_until = ${new Date(now.getTime() + this.leaseMs)}, attempts = c.attempts + 1
      from free
      where c.business_date = ${date} and c.step = ${step.name} and c.partition = free.partition
      returning c.partition, c.bounds`.execute(this.options.db);
    const chunk = claimed.rows[0];
    if (!chunk) return false;
    try {
      const started = performance.now();
      const rows = await step.run(this.options.db, date, chunk.bounds);
      const done = await this.markDone(
        this.options.db,
        date,
        step.name,
        chunk.partition,
        worker,
        rows,
        started,
      );
      this.options.observer?.chunkDone(step.name, done.rows, done.seconds);
      return true;
    } catch (error) {
      // Give the chunk back at once so that the next attempt need not wait for the lease.
      await sql`update batch_chunks set lease_until = null
                where business_date = ${date} and step = ${step.name} and partition = ${chunk.partition} and status = 'pending'`.execute(
        this.options.db,
      );
      throw await this.failed(date, step, chunk.partition, error);
    }
  }

  private async releaseDeadLeases(date: PlainDate, step: string): Promise<boolean> {
    const leased = await sql<{ partition: number; claimed_by: string }>`
      select partition, claimed_by from batch_chunks
      where business_date = ${date} and step = ${step} and status = 'pending' and claimed_by like ${`${hostname()}:%`}`.execute(
      this.options.db,
    );
    let released = false;
    for (const chunk of leased.rows) {
      const pid = Number(chunk.claimed_by.slice(hostname().length + 1));
      if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
      await sql`update batch_chunks set lease_until = null
                where business_date = ${date} and step = ${step} and partition = ${chunk.partition} and claimed_by = ${chunk.claimed_by}`.execute(
        this.options.db,
      );
      released = true;
    }
    return released;
  }

  private async markDone(
    db: Executor,
    date: PlainDate,
    step: string,
    partition: number,
    worker: string,
    rows: number,
    started: number,
  ) {
    const ms = performance.now() - started;
    await sql`update batch_chunks set status = 'done', rows = ${rows}, ms = ${Math.round(ms)},
              claimed_by = ${worker}, done_by = ${worker}, finished_at = ${this.options.clock.now()}, lease_until = null
              where business_date = ${date} and step = ${step} and partition = ${partition}`.execute(db);
    return { rows, seconds: ms / 1000 };
  }

  private async failed(date: PlainDate, step: BatchStep, partition: number | null, error: unknown) {
    if (error instanceof DayCloseError) return error;
    this.options.observer?.failed(step.name);
    const message = `${step.name}${partition === null ? '' : ` chunk ${partition}`}: ${error instanceof Error ? error.message : String(error)}`;
    await sql`update batch_runs set last_error = ${message} where business_date = ${date}`.execute(
      this.options.db,
    );
    return new DayCloseError(message, { cause: error });
  }

  /** Marks the step done if no chunk is left; false while some chunk is still pending. */
  private async completeStep(date: PlainDate, step: string): Promise<boolean> {
    const rows = await sql<{ step: string }>`
      update batch_steps s set status = 'done', finished_at = ${this.options.clock.now()},
        rows = (select coalesce(sum(rows), 0) from batch_chunks c where c.business_date = s.business_date and c.step = s.step)
      where s.business_date = ${date} and s.step = ${step}
        and not exists (select 1 from batch_chunks c where c.business_date = s.business_date and c.step = s.step and c.status = 'pending')
      returning s.step`.execute(this.options.db);
    if (rows.rows.length > 0) return true;
    const status = await sql<{ status: string }>`
      select status from batch_steps where business_date = ${date} and step = ${step}`.execute(
      this.options.db,
    );
    return status.rows[0]?.status === 'done';
  }

  /** After every step: the run is done and the business date moves on, in one transaction. */
  private async finish(date: PlainDate): Promise<PlainDate> {
    const next = addDays(date, 1);
    await inTransaction(this.options.db, async (trx) => {
      const run = await sql<{ status: string }>`
        select status from batch_runs where business_date = ${date} for update`.execute(trx);
      if (run.rows[0]?.status !== 'running') return;
      const open = await sql<{ n: number }>`
        select count(*)::int as n from batch_steps where business_date = ${date} and status <> 'done'`.execute(
        trx,
      );
      if (open.rows[0]!.n > 0) throw conflict('run_not_finished', `the run of ${date} still has steps to do`);
      await sql`update batch_runs set status = 'done', finished_at = ${this.options.clock.now()}, last_error = null where business_date = ${date}`.execute(
        trx,
      );
      await moveBusinessDate(trx, this.options.clock, date, next);
    });
    this.options.observer?.closed(date);
    return (await this.refresh()) ?? next;
  }

  private async progressOf(date: PlainDate, step: BatchStep) {
    const rows = await sql<{ chunks: number; done: number; rows: string }>`
      select count(*)::int as chunks, count(*) filter (where status = 'done')::int as done, coalesce(sum(rows), 0)::text as rows
      from batch_chunks where business_date = ${date} and step = ${step.name}`.execute(this.options.db);
    const r = rows.rows[0]!;
    return { date, step: step.name, chunksDone: r.done, chunks: r.chunks, rows: Number(r.rows) };
  }

  async run(date: PlainDate): Promise<RunReport | null> {
    const runs = await this.runs({ date });
    return runs[0] ?? null;
  }

  /** Runs, newest first, with each step's chunks, rows and time. */
  runs(filter: { date?: PlainDate; limit?: number } = {}): Promise<RunReport[]> {
    return runReports(this.options.db, filter);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DayCloseError extends Error {
  override name = 'DayCloseError';
}
