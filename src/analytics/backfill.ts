import { inTransaction } from '../db/index.ts';
import { addDays, DomainError, type PlainDate } from '../kernel/index.ts';
import type { AnalyticsArea } from './area.ts';
import type { AnalyticsContext } from './context.ts';
import { computedDays, writeFacts } from './store.ts';

export interface BackfillOptions {
  readonly from: PlainDate;
  readonly to: PlainDate;
  /** The last closed business date: a date after it has not happened yet (its facts would be partial). */
  readonly lastClosed: PlainDate;
  /** Only these areas (default: all). */
  readonly areas?: readonly string[];
  /** Compute again the dates already computed (by a day-close or an earlier backfill). */
  readonly force?: boolean;
  readonly onProgress?: (p: BackfillProgress) => void;
  /** Asked before each (date, area): true stops the backfill there (a server shutting down). */
  readonly stop?: () => boolean;
}

export interface BackfillProgress {
  readonly date: PlainDate;
  readonly area: string;
  readonly done: number;
  readonly total: number;
  readonly facts: number;
  readonly skipped: boolean;
}

export interface BackfillReport {
  readonly days: number;
  readonly computed: number;
  readonly skipped: number;
  readonly facts: number;
  /** Stopped by `stop` before the end: run it again to finish. */
  readonly stopped: boolean;
}

const MAX_DAYS = 3660;

/**
 * Computes the facts of a range of past dates from the data as it stands, each (date, area) in its
 * own transaction, oldest first. Resumable: interrupted, run again, it skips what is already
 * computed (unless `force`). An area's collect depends only on what was true at the end of its date,
 * so a backfilled date holds what the day-close would have written that night.
 */
export async function backfill(
  context: AnalyticsContext,
  areas: readonly AnalyticsArea[],
  options: BackfillOptions,
): Promise<BackfillReport> {
  const { from, to } = options;
  if (from > to) throw new DomainError('bad_range', 'invalid', `from ${from} is after to ${to}`);
  if (to > options.lastClosed)
    throw new DomainError(
      'date_not_closed',
      'conflict',
      `${to} is not closed yet (the last closed business date is ${options.lastClosed})`,
    );
  const chosen = options.areas
    ? options.areas.map((name) => {
        const area = areas.find((a) => a.name === name);
        if (!area) throw new DomainError('unknown_area', 'invalid', `no analytics area ${name}`);
        return area;
      })
    : areas;
  const dates: PlainDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    dates.push(d);
    if (dates.length > MAX_DAYS)
      throw new DomainError('range_too_long', 'invalid', `at most ${MAX_DAYS} days at a time`);
  }
  const done = new Set(
    options.force ? [] : (await computedDays(context.db, from, to)).map((d) => `${d.businessDate}/${d.area}`),
  );
  if (options.force) for (const area of chosen) await area.forget?.(context.db, from, to);
  const total = dates.length * chosen.length;
  let n = 0;
  let computed = 0;
  let skipped = 0;
  let facts = 0;
  for (const date of dates) {
    for (const area of chosen) {
      if (options.stop?.()) return { days: dates.length, computed, skipped, facts, stopped: true };
      n += 1;
      if (done.has(`${date}/${area.name}`)) {
        skipped += 1;
        options.onProgress?.({ date, area: area.name, done: n, total, facts: 0, skipped: true });
        continue;
      }
      const written = await inTransaction(context.db, async (trx) =>
        writeFacts(trx, area, date, await area.collect(trx, date), 'backfill', context.clock.now()),
      );
      computed += 1;
      facts += written;
      options.onProgress?.({ date, area: area.name, done: n, total, facts: written, skipped: false });
    }
  }
  return { days: dates.length, computed, skipped, facts, stopped: false };
}
