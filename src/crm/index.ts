/** CRM (issue 20): portraits and classes, the sales pipeline, channels, campaigns and referrals. */

// crm3: channels, campaigns and referrals (src/crm/campaigns)
export { CRM_CURRENCY, CrmCode, MARKETING_ACCOUNT } from './campaigns/accounts.ts';
export type { Campaign, CampaignInput, Reward, SpendEntry } from './campaigns/campaigns.ts';
export type { Figures } from './campaigns/figures.ts';
export { REFERRAL_ALPHABET, REFERRAL_CODE_LENGTH } from './campaigns/referral-codes.ts';
export { couponValue, type PayOutcome, type RewardView } from './campaigns/rewards.ts';
export { CRM_REWARDS_STEP_POSITION, CrmCampaigns, type CrmCampaignsOptions } from './campaigns/service.ts';
export type { SignUpSourceView } from './campaigns/sources.ts';
