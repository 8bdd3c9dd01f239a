import type { RoundingMode } from '../kernel/index.ts';

/** What operators may change about crowdfunding (NETFIN_CROWDFUNDING_* in config.ts). */
export interface CrowdfundingSettings {
  /** The longest a project may raise, from its launch to its deadline. */
  readonly maxDurationDays: number;
  /** The smallest amount a backer may give without a reward, minor units. */
  readonly minPledge: bigint;
  /** Backers may cancel until this many hours before the deadline. */
  readonly cancelCutOffHours: number;
  /** The platform's fee on a successful project's total, a decimal rate. */
  readonly feeRate: string;
  readonly feeRounding: RoundingMode;
  /**
   * A picture uploaded to a project that neither its cover and gallery, its story nor an update
   * names is deleted by day-close once it is this many hours old (step crowdfunding.images).
   */
  readonly unusedImageHours: number;
}

export const DEFAULT_CROWDFUNDING_SETTINGS: CrowdfundingSettings = {
  maxDurationDays: 60,
  minPledge: 100n,
  cancelCutOffHours: 48,
  feeRate: '0.05',
  feeRounding: 'half_up',
  unusedImageHours: 24,
};
