import type { Executor } from '../db/index.ts';
import type { Clock } from '../kernel/index.ts';

/**
 * What analytics works with. `db` is the primary, where the day-close writes the facts; `readDb` is
 * where pages, exports and the disclosure read them (a streaming replica when
 * NETFIN_READ_DATABASE_URL is set, the primary otherwise). The contexts an area reads are given to
 * the area itself (src/analytics/areas/), through their index.ts.
 */
export interface AnalyticsContext {
  readonly db: Executor;
  readonly readDb: Executor;
  readonly clock: Clock;
}
