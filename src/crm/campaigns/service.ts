import type { BatchStep } from '../../batch/index.ts';
import type { Executor } from '../../db/index.ts';
import type { AuditContext, Identity } from '../../identity/index.ts';
import type { Clock, PlainDate } from '../../kernel/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Payments } from '../../payments/index.ts';
import { type Campaign, type CampaignInput, Campaigns, type SpendEntry } from './campaigns.ts';
import { campaignTotals, channelTotals, costsByChannel, type Figures, figuresOf } from './figures.ts';
import { referralCodeOf } from './referral-codes.ts';
import {
  type PayOutcome,
  payDueRewards,
  payRewardOf,
  type RewardView,
  rewardRanges,
  rewardsOf,
} from './rewards.ts';
import { recordSignUpSource, signUpSources } from './sources.ts';

export interface CrmCampaignsOptions {
  readonly db: Executor;
  readonly readDb?: Executor;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
}

/** Day-close position of crm.rewards: after analytics (970) and crm's portraits (980). */
export const CRM_REWARDS_STEP_POSITION = 985;

/**
 * CRM channels, campaigns and referrals (issue 20): sign-up sources, referral codes, campaigns with
 * spend and rewards, and figures per channel and campaign. docs/crm-campaigns.md.
 */
export class CrmCampaigns {
  readonly campaigns: Campaigns;
  private readonly readDb: Executor;

  constructor(private readonly options: CrmCampaignsOptions) {
    this.campaigns = new Campaigns(options.db, options.clock, options.identity);
    this.readDb = options.readDb ?? options.db;
    // Each sign-up's source and referral code commit with the account, or not at all.
    options.identity.onSignedUp((trx, event) => recordSignUpSource(trx, options.clock, event));
  }

  private get rewardDeps() {
    return { ledger: this.options.ledger, payments: this.options.payments, clock: this.options.clock };
  }

  list(): Promise<Campaign[]> {
    return this.campaigns.list();
  }
  get(id: string): Promise<Campaign> {
    return this.campaigns.get(id);
  }
  create(input: CampaignInput & { code: string }, context: AuditContext): Promise<Campaign> {
    return this.campaigns.create(input, context);
  }
  update(id: string, input: CampaignInput, context: AuditContext): Promise<Campaign> {
    return this.campaigns.update(id, input, context);
  }
  addSpend(
    id: string,
    input: { amount: bigint; spentOn: PlainDate; note: string },
    context: AuditContext,
  ): Promise<SpendEntry> {
    return this.campaigns.addSpend(id, input, context);
  }
  spendEntries(id: string): Promise<SpendEntry[]> {
    return this.campaigns.spendEntries(id);
  }

  /** The recorded source of one user's sign-up, if crm recorded one. */
  async sourceOf(userId: string) {
    return (await signUpSources(this.options.db, { userId }))[0];
  }

  /** Pays every reward due by the end of `date` (the day-close step does this each evening). */
  payDueRewards(
    date: PlainDate = this.options.clock.businessDate(),
    db: Executor = this.options.db,
  ): Promise<number> {
    return payDueRewards(this.rewardDeps, db, date);
  }

  /** One attempt at one user's rewards of one campaign, in its own transaction. */
  payRewardOf(
    campaignId: string,
    userId: string,
    date: PlainDate = this.options.clock.businessDate(),
  ): Promise<PayOutcome> {
    return payRewardOf(this.rewardDeps, this.options.db, { id: campaignId }, userId, date);
  }

  rewards(filter: { campaignId?: string; beneficiaryId?: string }): Promise<RewardView[]> {
    return rewardsOf(this.options.db, filter);
  }

  async campaignFigures(id: string): Promise<{ campaign: Campaign; figures: Figures }> {
    const campaign = await this.campaigns.get(id);
    const totals = await campaignTotals(this.readDb, this.options.identity, id);
    return { campaign, figures: figuresOf(totals, campaign.spend, campaign.rewardsPaid.amount) };
  }

  async channelFigures(): Promise<{ channel: string; figures: Figures }[]> {
    const totals = await channelTotals(this.readDb, this.options.identity);
    const costs = await costsByChannel(this.readDb);
    const channels = new Set([...totals.keys(), ...costs.keys()]);
    return [...channels].sort().map((channel) => {
      const cost = costs.get(channel) ?? { spend: 0n, rewards: 0n };
      return { channel, figures: figuresOf(totals.get(channel), cost.spend, cost.rewards) };
    });
  }

  /** A customer's referral code, whom they brought (masked) and what it earned them. */
  async referralsOf(userId: string) {
    const code = await referralCodeOf(this.options.db, this.options.clock, userId);
    const brought = await signUpSources(this.options.db, { referrerId: userId });
    const masked = await this.options.identity.maskedPhonesOf(brought.map((b) => b.userId));
    const rewards = (await rewardsOf(this.options.db, { beneficiaryId: userId })).filter(
      (r) => r.role === 'referrer',
    );
    const earnedBy = new Map<string, bigint>();
    for (const r of rewards)
      earnedBy.set(r.qualifyingUserId, (earnedBy.get(r.qualifyingUserId) ?? 0n) + r.amount);
    return {
      code,
      referred: brought.map((b) => ({
        phone: masked.get(b.userId) ?? '***',
        signedUpOn: b.signedUpOn,
        earned: earnedBy.get(b.userId) ?? 0n,
      })),
      earned: rewards.reduce((sum, r) => sum + r.amount, 0n),
    };
  }

  daySteps(): BatchStep[] {
    return [
      {
        name: 'crm.rewards',
        owner: 'crm',
        position: CRM_REWARDS_STEP_POSITION,
        description:
          "Campaign rewards: pays each qualifying first investment's reward and its referrer's, once",
        // Chunks of campaign sign-ups by user id: bounded transactions, resumable.
        plan: (db) => rewardRanges(db),
        run: (trx, date, bounds) => payDueRewards(this.rewardDeps, trx, date, bounds),
      },
    ];
  }
}
