import type { BatchStep } from '../batch/index.ts';
import type { AnalyticsArea } from './area.ts';
import type { AnalyticsContext } from './context.ts';
import { writeFacts } from './store.ts';

export const ANALYTICS_STEP_POSITION = 970;

/**
 * Day-close step 970, analytics.daily: after every context has done its day (and lending's snapshot
 * at 900), each area's facts of the date are computed and stored, one chunk per area, so that
 * workers share the areas and a resumed close redoes only the areas not yet done. A chunk's facts
 * and its done mark commit together; written again, an area's facts of a date replace themselves.
 */
export function analyticsDayStep(
  context: AnalyticsContext,
  areas: readonly AnalyticsArea[],
  suspended: () => boolean = () => false,
): BatchStep {
  const byName = new Map(areas.map((a) => [a.name, a]));
  return {
    name: 'analytics.daily',
    owner: 'analytics',
    position: ANALYTICS_STEP_POSITION,
    description:
      "Operations analytics: the day's facts of each area (users, marketplace, risk, liquidity, disclosure) into the daily aggregate tables",
    // Suspended (while the demo writes months of history, backfilled afterwards), a date gets no chunk.
    plan: async () => (suspended() ? [] : areas.map((a) => ({ area: a.name }))),
    async run(trx, date, bounds) {
      const area = byName.get(String(bounds.area));
      // An area no longer registered (a chunk planned by an older version) has nothing to do.
      if (!area) return 0;
      const facts = await area.collect(trx, date);
      return writeFacts(trx, area, date, facts, 'day_close', context.clock.now());
    },
  };
}
