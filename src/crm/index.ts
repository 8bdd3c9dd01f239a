/** CRM (issue 20): know each customer, follow prospects by their intent, channels and campaigns, one service inbox. */

// crm3: channels, campaigns and referrals (src/crm/campaigns)
export { CRM_CURRENCY, CrmCode, MARKETING_ACCOUNT } from './campaigns/accounts.ts';
export type { Campaign, CampaignInput, Reward, SpendEntry } from './campaigns/campaigns.ts';
export type { Figures } from './campaigns/figures.ts';
export { REFERRAL_ALPHABET, REFERRAL_CODE_LENGTH } from './campaigns/referral-codes.ts';
export { couponValue, type PayOutcome, type RewardView } from './campaigns/rewards.ts';
export { CRM_REWARDS_STEP_POSITION, CrmCampaigns, type CrmCampaignsOptions } from './campaigns/service.ts';
export type { SignUpSourceView } from './campaigns/sources.ts';

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
