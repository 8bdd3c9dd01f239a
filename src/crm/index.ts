/** CRM (issue 20): portraits, tags and ABC classes; pipeline; channels, campaigns and referrals. See docs/crm.md. */

// crm1: portraits, tags and ABC classes.
export {
  CLASSES,
  type ClassChange,
  type ClassSummary,
  type CustomerClass,
  type ManagerAssignment,
} from './classes.ts';
export type { CrmContext } from './context.ts';
export type { PortraitFilter, StoredPortrait } from './portraits.ts';
export {
  CLASSES_STEP_POSITION,
  Crm,
  PORTRAIT_CHUNK,
  PORTRAITS_STEP_POSITION,
  type PortraitView,
} from './service.ts';
export { type AumBand, type ClassRules, DEFAULT_AUM_BANDS, DEFAULT_CLASS_RULES } from './settings.ts';
export { defaultTagRules, type StaffTag, TAG, type TagFacts, type TagRuleSet } from './tags.ts';
// end crm1
