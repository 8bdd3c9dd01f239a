/** Crowdfunding: projects funded by many backers, all or nothing, with rewards, refunds and milestone payouts. See docs/crowdfunding.md. */

export { CrowdfundingCode, projectAccount } from './accounts.ts';
export type { Complaint, ShippingAddress } from './after.ts';
export {
  BACKING_FAILURE_REASONS,
  BACKING_STATUSES,
  type BackByCardInput,
  type Backing,
  type BackingFailureReason,
  type BackingStatus,
  DELIVERY_STATES,
  type DeliveryState,
} from './backings.ts';
export type { CrowdfundingContext } from './context.ts';
export {
  IMAGE_TYPES,
  type ImageType,
  imageUrl,
  MAX_IMAGE_BYTES,
  MAX_IMAGES_PER_PROJECT,
  type ProjectImage,
} from './images.ts';
export {
  CATEGORIES,
  CATEGORY_CODES,
  type Category,
  type Milestone,
  PROJECT_STATUSES,
  type Project,
  type ProjectPhase,
  type ProjectStatus,
  REFUSAL_REASONS,
  type RefusalReason,
  type RiskSummary,
  type Tier,
} from './model.ts';
export type { Refund } from './payouts.ts';
export type { PayoutPlanInput, ProjectInput, ReviewDecision, TierInput } from './projects.ts';
export { Crowdfunding, type CrowdfundingOptions } from './service.ts';
export { type CrowdfundingSettings, DEFAULT_CROWDFUNDING_SETTINGS } from './settings.ts';
export { sanitiseStory } from './story.ts';
