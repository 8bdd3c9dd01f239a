import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import { type AuditContext, actorId, CHANNEL_PATTERN, type Identity } from '../../identity/index.ts';
import {
  type Clock,
  compareDates,
  conflict,
  invalid,
  notFound,
  type PlainDate,
  parseDecimal,
  uuidv7,
} from '../../kernel/index.ts';
import { CRM_CURRENCY } from './accounts.ts';

/**
 * Campaigns (issue 20): a channel, a period, a budget, the spend operations enter (append-only), and
 * optionally a reward for a customer who signed up through the campaign and whose first investment
 * meets its condition (at least `minInvestment` within `withinDays` days of signing up): a cash bonus,
 * or an interest-rate coupon paid as its cash value (rewards.ts). A referrer of a qualifying user may
 * get `referrerAmount`. Limits: at most `maxRewards` rewards and `rewardBudget` paid, both roles counted.
 */
export type Reward =
  | { readonly kind: 'none' }
  | { readonly kind: 'cash'; readonly amount: bigint }
  | { readonly kind: 'rate_coupon'; readonly rate: string; readonly days: number };

export interface CampaignInput {
  readonly name: string;
  readonly channel: string;
  readonly startsOn: PlainDate;
  readonly endsOn: PlainDate;
  readonly budget: bigint;
  readonly reward: Reward;
  readonly referrerAmount: bigint | null;
  readonly minInvestment: bigint;
  readonly withinDays: number;
  readonly maxRewards: number | null;
  readonly rewardBudget: bigint | null;
}

export interface Campaign extends CampaignInput {
  readonly id: string;
  readonly code: string;
  readonly currency: string;
  readonly spend: bigint;
  readonly rewardsPaid: { readonly count: number; readonly amount: bigint };
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SpendEntry {
  readonly id: string;
  readonly campaignId: string;
  readonly amount: bigint;
  readonly spentOn: PlainDate;
  readonly note: string;
  readonly enteredBy: string;
  readonly enteredAt: Date;
}

interface CampaignRow {
  id: string;
  code: string;
  name: string;
  channel: string;
  starts_on: string;
  ends_on: string;
  currency: string;
  budget: bigint;
  reward_kind: 'none' | 'cash' | 'rate_coupon';
  reward_amount: bigint | null;
  coupon_rate: string | null;
  coupon_days: number | null;
  referrer_amount: bigint | null;
  min_investment: bigint;
  within_days: number;
  max_rewards: number | null;
  reward_budget: bigint | null;
  created_at: Date;
  updated_at: Date;
  spend: bigint;
  rewards_count: bigint;
  rewards_amount: bigint;
}

const SELECT = sql`
  select c.id, c.code, c.name, c.channel, c.starts_on::text as starts_on, c.ends_on::text as ends_on, c.currency,
         c.budget, c.reward_kind, c.reward_amount, c.coupon_rate, c.coupon_days, c.referrer_amount, c.min_investment,
         c.within_days, c.max_rewards, c.reward_budget, c.created_at, c.updated_at,
         coalesce((select sum(s.amount) from crm_campaign_spend s where s.campaign_id = c.id), 0)::int8 as spend,
         (select count(*) from crm_rewards r where r.campaign_id = c.id)::int8 as rewards_count,
         coalesce((select sum(r.amount) from crm_rewards r where r.campaign_id = c.id), 0)::int8 as rewards_amount
  from crm_campaigns c`;

function toCampaign(r: CampaignRow): Campaign {
  const reward: Reward =
    r.reward_kind === 'cash'
      ? { kind: 'cash', amount: BigInt(r.reward_amount!) }
      : r.reward_kind === 'rate_coupon'
        ? { kind: 'rate_coupon', rate: r.coupon_rate!, days: r.coupon_days! }
        : { kind: 'none' };
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    channel: r.channel,
    startsOn: r.starts_on as PlainDate,
    endsOn: r.ends_on as PlainDate,
    currency: r.currency,
    budget: BigInt(r.budget),
    reward,
    referrerAmount: r.referrer_amount === null ? null : BigInt(r.referrer_amount),
    minInvestment: BigInt(r.min_investment),
    withinDays: r.within_days,
    maxRewards: r.max_rewards,
    rewardBudget: r.reward_budget === null ? null : BigInt(r.reward_budget),
    spend: BigInt(r.spend),
    rewardsPaid: { count: Number(r.rewards_count), amount: BigInt(r.rewards_amount) },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Checks what no schema can: the period's order, the channel, a coupon rate's range. */
export function checkCampaign(input: CampaignInput): void {
  if (input.name.trim() === '' || input.name.length > 100)
    throw invalid('campaign_name_invalid', 'a name has 1-100 characters');
  if (!CHANNEL_PATTERN.test(input.channel))
    throw invalid(
      'channel_malformed',
      'a channel is a code of 1-32 lower-case letters, digits or underscores',
    );
  if (compareDates(input.endsOn, input.startsOn) < 0)
    throw invalid('campaign_period_invalid', 'a campaign ends on or after the day it starts');
  if (input.budget < 0n) throw invalid('amount_must_not_be_negative', 'the budget is not negative');
  if (input.reward.kind === 'cash' && input.reward.amount <= 0n)
    throw invalid('reward_amount_invalid', 'a cash reward is more than zero');
  if (input.reward.kind === 'rate_coupon') {
    const rate = parseDecimal(input.reward.rate);
    if (!rate.ok || rate.value.lte(0) || rate.value.gt('0.2'))
      throw invalid('coupon_rate_invalid', 'a coupon rate is above 0 and at most 0.2 (20% a year)');
    if (!Number.isInteger(input.reward.days) || input.reward.days < 1 || input.reward.days > 366)
      throw invalid('coupon_days_invalid', 'a coupon runs 1-366 days');
  }
  if (input.referrerAmount !== null && input.referrerAmount <= 0n)
    throw invalid('reward_amount_invalid', "a referrer's reward is more than zero");
  if (input.minInvestment < 0n) throw invalid('amount_must_not_be_negative', 'the minimum is not negative');
  if (!Number.isInteger(input.withinDays) || input.withinDays < 0 || input.withinDays > 366)
    throw invalid('within_days_invalid', 'the condition counts 0-366 days from sign-up');
  if (input.maxRewards !== null && (!Number.isInteger(input.maxRewards) || input.maxRewards < 0))
    throw invalid('max_rewards_invalid', 'the most rewards is a whole number, zero or more');
  if (input.rewardBudget !== null && input.rewardBudget < 0n)
    throw invalid('amount_must_not_be_negative', 'the reward budget is not negative');
}

const rewardColumns = (reward: Reward) => ({
  kind: reward.kind,
  amount: reward.kind === 'cash' ? reward.amount : null,
  rate: reward.kind === 'rate_coupon' ? reward.rate : null,
  days: reward.kind === 'rate_coupon' ? reward.days : null,
});

export class Campaigns {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity: Identity,
  ) {}

  async list(db: Executor = this.db): Promise<Campaign[]> {
    const rows = await sql<CampaignRow>`${SELECT} order by c.starts_on desc, c.code`.execute(db);
    return rows.rows.map(toCampaign);
  }

  async get(id: string, db: Executor = this.db): Promise<Campaign> {
    const rows = await sql<CampaignRow>`${SELECT} where c.id = ${id}`.execute(db);
    if (!rows.rows[0]) throw notFound('campaign_not_found', 'no such campaign');
    return toCampaign(rows.rows[0]);
  }

  async create(input: CampaignInput & { code: string }, context: AuditContext): Promise<Campaign> {
    if (!CHANNEL_PATTERN.test(input.code))
      throw invalid('campaign_code_malformed', 'a code has 1-32 lower-case letters, digits or underscores');
    checkCampaign(input);
    const id = uuidv7();
    const now = this.clock.now();
    const r = rewardColumns(input.reward);
    return inTransaction(this.db, async (trx) => {
      const inserted = await sql`
        insert into crm_campaigns (id, code, name, channel, starts_on, ends_on, currency, budget, reward_kind,
          reward_amount, coupon_rate, coupon_days, referrer_amount, min_investment, within_days, max_rewards,
          reward_budget, created_at, created_by, updated_at)
        values (${id}, ${input.code}, ${input.name.trim()}, ${input.channel}, ${input.startsOn}, ${input.endsOn},
          ${CRM_CURRENCY}, ${input.budget}, ${r.kind}, ${r.amount}, ${r.rate}, ${r.days}, ${input.referrerAmount},
          ${input.minInvestment}, ${input.withinDays}, ${input.maxRewards}, ${input.rewardBudget}, ${now},
          ${actorId(context.principal)}, ${now})
        on conflict (code) do nothing`.execute(trx);
      if (inserted.numAffectedRows !== 1n)
        throw conflict('campaign_code_taken', 'another campaign has this code');
      await this.identity.audit(
        context,
        {
          action: 'crm.campaign_created',
          subjectType: 'crm_campaign',
          subjectId: id,
          after: { code: input.code },
        },
        trx,
      );
      return this.get(id, trx);
    });
  }

  /** Changes everything but the code (links already made by the code stay). Rewards already paid stay paid. */
  async update(id: string, input: CampaignInput, context: AuditContext): Promise<Campaign> {
    checkCampaign(input);
    const r = rewardColumns(input.reward);
    return inTransaction(this.db, async (trx) => {
      const before = await this.get(id, trx);
      await sql`
        update crm_campaigns set name = ${input.name.trim()}, channel = ${input.channel}, starts_on = ${input.startsOn},
          ends_on = ${input.endsOn}, budget = ${input.budget}, reward_kind = ${r.kind}, reward_amount = ${r.amount},
          coupon_rate = ${r.rate}, coupon_days = ${r.days}, referrer_amount = ${input.referrerAmount},
          min_investment = ${input.minInvestment}, within_days = ${input.withinDays}, max_rewards = ${input.maxRewards},
          reward_budget = ${input.rewardBudget}, updated_at = ${this.clock.now()}
        where id = ${id}`.execute(trx);
      await this.identity.audit(
        context,
        {
          action: 'crm.campaign_changed',
          subjectType: 'crm_campaign',
          subjectId: id,
          before: { name: before.name, channel: before.channel, endsOn: before.endsOn },
          after: { name: input.name, channel: input.channel, endsOn: input.endsOn },
        },
        trx,
      );
      return this.get(id, trx);
    });
  }

  async addSpend(
    campaignId: string,
    input: { amount: bigint; spentOn: PlainDate; note: string },
    context: AuditContext,
  ): Promise<SpendEntry> {
    if (input.amount === 0n) throw invalid('amount_must_not_be_zero', 'a spend entry is not zero');
    if (input.note.length > 200) throw invalid('note_too_long', 'a note has at most 200 characters');
    const id = uuidv7();
    const now = this.clock.now();
    const enteredBy = actorId(context.principal);
    return inTransaction(this.db, async (trx) => {
      await this.get(campaignId, trx);
      await sql`
        insert into crm_campaign_spend (id, campaign_id, amount, spent_on, note, entered_by, entered_at)
        values (${id}, ${campaignId}, ${input.amount}, ${input.spentOn}, ${input.note}, ${enteredBy}, ${now})`.execute(
        trx,
      );
      await this.identity.audit(
        context,
        {
          action: 'crm.campaign_spend_entered',
          subjectType: 'crm_campaign',
          subjectId: campaignId,
          after: { amount: input.amount.toString(), spentOn: input.spentOn },
        },
        trx,
      );
      return { id, campaignId, ...input, enteredBy, enteredAt: now };
    });
  }

  async spendEntries(campaignId: string): Promise<SpendEntry[]> {
    await this.get(campaignId);
    const rows = await sql<{
      id: string;
      amount: bigint;
      spent_on: string;
      note: string;
      entered_by: string;
      entered_at: Date;
    }>`select id, amount, spent_on::text as spent_on, note, entered_by, entered_at from crm_campaign_spend
       where campaign_id = ${campaignId} order by entered_at, id`.execute(this.db);
    return rows.rows.map((r) => ({
      id: r.id,
      campaignId,
      amount: BigInt(r.amount),
      spentOn: r.spent_on as PlainDate,
      note: r.note,
      enteredBy: r.entered_by,
      enteredAt: r.entered_at,
    }));
  }
}
