/** Collections (催收): cases by delinquency stage, strategy, queues and assignment, the workbench under conduct rules, promises to pay, analysis. */
export type { Analysis } from './analysis.ts';
export { loanCasesOpenAtStartOf } from './analytics-facts.ts';
export type { CaseSummary } from './cases.ts';
export type { Collector } from './collectors.ts';
export type { ContactInput } from './contacts.ts';
export { Collections, type CollectionsOptions } from './service.ts';
export {
  CHANNELS,
  type CollectionSettings,
  DEFAULT_SETTINGS,
  OUTCOMES,
  STAGES,
  settingsSchema,
  TIERS,
} from './settings.ts';
