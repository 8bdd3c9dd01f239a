import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/** What the day-close did, as staff and `netfin business-date` read it. */
export interface StepReport {
  readonly step: string;
  readonly owner: string;
  readonly position: number;
  readonly status: 'pending' | 'planned' | 'done';
  readonly chunks: number;
  readonly chunksDone: number;
  readonly rows: number;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly ms: number | null;
}

export interface RunReport {
  readonly businessDate: PlainDate;
  readonly status: 'running' | 'done';
  readonly workers: number;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly lastError: string | null;
  readonly steps: StepReport[];
}

/** Runs, newest first, with each step's chunks, rows and time. */
export async function runReports(
  db: Executor,
  filter: { date?: PlainDate; limit?: number } = {},
): Promise<RunReport[]> {
  const runs = await sql<{
    business_date: PlainDate;
    status: 'running' | 'done';
    workers: number;
    started_at: Date;
    finished_at: Date | null;
    last_error: string | null;
  }>`
    select business_date, status, workers, started_at, finished_at, last_error from batch_runs
    where ${filter.date ? sql`business_date = ${filter.date}` : sql`true`}
    order by business_date desc limit ${filter.limit ?? 30}`.execute(db);
  if (runs.rows.length === 0) return [];
  const dates = runs.rows.map((r) => r.business_date);
  const steps = await sql<{
    business_date: PlainDate;
    step: string;
    owner: string;
    position: number;
    status: 'pending' | 'planned' | 'done';
    chunks: number;
    done: number;
    rows: string;
    started_at: Date | null;
    finished_at: Date | null;
  }>`
    select s.business_date, s.step, s.owner, s.position, s.status, s.chunks, s.started_at, s.finished_at,
           coalesce(c.done, 0)::int as done, coalesce(c.rows, s.rows)::text as rows
    from batch_steps s
    left join lateral (select count(*) filter (where status = 'done') as done, sum(rows) as rows
                       from batch_chunks c where c.business_date = s.business_date and c.step = s.step) c on true
    where s.business_date = any(${dates}::date[])
    order by s.business_date, s.position, s.step`.execute(db);
  return runs.rows.map((run) => ({
    businessDate: run.business_date,
    status: run.status,
    workers: run.workers,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    lastError: run.last_error,
    steps: steps.rows
      .filter((s) => s.business_date === run.business_date)
      .map((s) => ({
        step: s.step,
        owner: s.owner,
        position: s.position,
        status: s.status,
        chunks: s.chunks,
        chunksDone: s.done,
        rows: Number(s.rows),
        startedAt: s.started_at,
        finishedAt: s.finished_at,
        ms: s.started_at && s.finished_at ? s.finished_at.getTime() - s.started_at.getTime() : null,
      })),
  }));
}
