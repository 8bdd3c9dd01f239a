/** CRM (issue 20): portraits, tags and ABC classes; the pipeline; channels, campaigns and referrals; the service inbox. See docs/crm.md, docs/crm-campaigns.md and docs/crm-inbox.md. */

// CRM: channels, campaigns and referrals (src/crm/campaigns)
export { CRM_CURRENCY, CrmCode, MARKETING_ACCOUNT } from './campaigns/accounts.ts';
export type { Campaign, CampaignInput, Reward, SpendEntry } from './campaigns/campaigns.ts';
export type { Figures } from './campaigns/figures.ts';
export { REFERRAL_ALPHABET, REFERRAL_CODE_LENGTH } from './campaigns/referral-codes.ts';
export { couponValue, type PayOutcome, type RewardView, rewardRanges } from './campaigns/rewards.ts';
export { CRM_REWARDS_STEP_POSITION, CrmCampaigns, type CrmCampaignsOptions } from './campaigns/service.ts';
export type { SignUpSourceView } from './campaigns/sources.ts';
export {
  CLASSES,
  type ClassChange,
  type ClassSummary,
  type CustomerClass,
  type ManagerAssignment,
} from './classes.ts';
export type { CrmContext } from './context.ts';
export {
  type CallLogInput,
  type CannedAnswer,
  type CannedInput,
  DEFAULT_INBOX_SETTINGS,
  INBOX_CHANNELS,
  Inbox,
  type InboxAdapter,
  type InboxEvent,
  type InboxOptions,
  type InboxSettings,
  SimulatedAdapter,
  type SlaState,
  signInbound,
  TICKET_STATUSES,
  type TicketStatus,
} from './inbox/index.ts';
// Pipeline: intent stages, stage changes, follow-up tasks, the overdue view, "definitely not" reasons.
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
