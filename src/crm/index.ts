/** CRM (issue 20): know each customer, follow prospects by their intent, channels and campaigns, one service inbox. */

// Pipeline (crm2): intent stages, stage changes, follow-up tasks, the overdue view, "definitely not" reasons.
export {
  type BusinessCalendar,
  type BusinessDays,
  type CreateProspect,
  DEFAULT_PIPELINE_SETTINGS,
  PERIODS as PIPELINE_PERIODS,
  Pipeline,
  type PipelineOptions,
  type PipelineSettings,
  STAGES as PIPELINE_STAGES,
  type Stage as PipelineStage,
  TARGETS as PIPELINE_TARGETS,
  TASK_KINDS as PIPELINE_TASK_KINDS,
  type Target as PipelineTarget,
  type Viewer as PipelineViewer,
} from './pipeline/index.ts';
