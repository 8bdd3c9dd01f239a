/** Operations analytics: daily aggregates from day-close, the dashboards' queries, public disclosure. See docs/analytics.md. */

export type { AnalyticsArea, Fact } from './area.ts';
export { platformAreas } from './areas/index.ts';
export type { AnalyticsSources } from './areas/sources.ts';
export { RETENTION_WEEKS } from './areas/users.ts';
export type { CohortRow } from './areas/users-cohorts.ts';
export type { BackfillOptions, BackfillProgress, BackfillReport } from './backfill.ts';
export type { AnalyticsContext } from './context.ts';
export { ANALYTICS_STEP_POSITION } from './day-step.ts';
export { type Dimension, decodeDimension, encodeDimension } from './dimensions.ts';
export {
  defineMetrics,
  METRIC_UNITS,
  type MetricDefinition,
  type MetricUnit,
  type Rollup,
} from './metrics.ts';
export type { ReadSource } from './read-source.ts';
export {
  GRANULARITIES,
  type Granularity,
  periodOf,
  type Series,
  type SeriesPoint,
  type SeriesQuery,
} from './series.ts';
export { Analytics, type AnalyticsOptions } from './service.ts';
export type { StoredFact } from './store.ts';
