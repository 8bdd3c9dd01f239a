/** The sales pipeline's public surface inside the CRM context (re-exported by src/crm/index.ts). */
export type { Viewer } from './context.ts';
export type { BusinessCalendar, BusinessDays } from './due.ts';
export type { CreateProspect, ProspectFilter } from './prospects.ts';
export { PERIODS, type Period } from './reasons.ts';
export { Pipeline, type PipelineOptions } from './service.ts';
export {
  DEFAULT_SETTINGS as DEFAULT_PIPELINE_SETTINGS,
  type PipelineSettings,
  STAGES,
  type Stage,
  TARGETS,
  TASK_KINDS,
  type Target,
  type TaskKind,
} from './settings.ts';
export type { StageInput } from './stages.ts';
export type { TaskFilter } from './tasks.ts';
