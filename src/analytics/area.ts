import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import type { Dimension } from './dimensions.ts';
import type { MetricDefinition } from './metrics.ts';

/** One figure of one business date. Money in minor units (bigint), counts as integers, ratios and days as decimal strings. */
export interface Fact {
  readonly metric: string;
  readonly dimension?: Dimension;
  readonly value: bigint | number | string;
}

/**
 * An area of the dashboards (users, marketplace, risk, liquidity, disclosure): the metrics it
 * declares and how a business date's facts are computed. `collect` reads the other contexts through
 * their index.ts (never their tables) and must depend only on what was true at the end of `date`, so
 * that a backfill of a past date gives what the day-close gave that night. It runs in the
 * transaction that writes its facts; it may also keep the area's own tables (cohorts, vintages),
 * provided that running it twice for a date changes nothing the second time.
 */
export interface AnalyticsArea {
  readonly name: string;
  readonly metrics: readonly MetricDefinition[];
  collect(trx: Executor, date: PlainDate): Promise<readonly Fact[]>;
  /**
   * Forgets what `collect` keeps for the dates from `from` to `to` in other contexts' sums (the loan
   * book's, for risk and disclosure), so that a forced backfill computes them from the data again.
   */
  forget?(db: Executor, from: PlainDate, to: PlainDate): Promise<void>;
}
