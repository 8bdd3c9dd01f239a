/** The business date and the day-close batch: ordered, idempotent, resumable steps that contexts register, shared by workers. */
export { BUSINESS_DATE_CHANNEL, businessDateIn, readBusinessDate } from './calendar.ts';
export type { RunReport, StepReport } from './reports.ts';
export {
  Batch,
  type BatchObserver,
  type BatchOptions,
  type CloseResult,
  DayCloseError,
  type Progress,
} from './runner.ts';
export { CLOSE_TIME, closeDue } from './schedule.ts';
export {
  recordSnapshots,
  type Snapshot,
  type SnapshotUnit,
  type SnapshotView,
  snapshotsOf,
  snapshotValueText,
} from './snapshots.ts';
export { type BatchStep, type ChunkBounds, keyRange } from './steps.ts';
