import { sql } from 'kysely';
import { type ChunkBounds, keyRange } from '../../batch/index.ts';
import { type Executor, inTransaction } from '../../db/index.ts';
import {
  daysBetween,
  divideRounded,
  type PlainDate,
  parseDecimal,
  toFraction,
  uuidv7,
} from '../../kernel/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import { noteInvestmentsOf } from '../../lending/index.ts';
import type { Payments } from '../../payments/index.ts';
import { wealthInvestmentsOf } from '../../wealth/index.ts';
import { CRM_CURRENCY, CrmCode, ensureMarketingAccount, MARKETING_ACCOUNT } from './accounts.ts';
import type { Campaign, Reward } from './campaigns.ts';

/**
 * Campaign rewards (issue 20), checked at day-close (step 985, crm.rewards) rather than on each
 * investment: an investment is placed in lending (bids, settled at disbursement; secondary-market
 * purchases) and in three wealth paths, so a hook would have to be added to each, and every one of
 * them would then run crm's code inside its own transaction; the close reads each context's settled
 * investments through its index.ts once a day, set-based, which is simpler and equally correct: a
 * reward arrives the evening of the qualifying day.
 *
 * A user's first investment is their first investment day across lending and wealth, and its
 * amount what they invested that day. It qualifies when it is at least the campaign's minimum and
 * its day is within `withinDays` days of the sign-up.
 *
 * Once per user per campaign whatever runs at once: the payment locks the campaign's row (so that
 * the limits are counted one payment at a time), checks again that nothing was paid, inserts the
 * reward (unique per campaign, user and role) and posts the ledger transfer, all in one transaction.
 */
export interface RewardsDeps {
  readonly ledger: Ledger;
  readonly payments: Payments;
  readonly clock: { now(): Date };
}

export interface FirstInvestment {
  readonly firstOn: PlainDate;
  readonly amount: bigint;
}

/** Each user's first settled investment day across lending and wealth, and what they invested that day. */
export async function firstInvestments(
  db: Executor,
  userIds: readonly string[],
): Promise<Map<string, FirstInvestment>> {
  const out = new Map<string, FirstInvestment>();
  // Settled investments only: a fixed-term purchase whose raise may still fail is not yet one.
  const all = [
    ...(await noteInvestmentsOf(db, userIds)),
    ...(await wealthInvestmentsOf(db, userIds, { settledOnly: true })),
  ];
  for (const r of all) {
    const was = out.get(r.userId);
    if (!was || r.firstOn < was.firstOn) out.set(r.userId, { firstOn: r.firstOn, amount: r.firstDayAmount });
    else if (r.firstOn === was.firstOn)
      out.set(r.userId, { firstOn: was.firstOn, amount: was.amount + r.firstDayAmount });
  }
  return out;
}

/** A rate coupon's value: the first investment × rate × days / 365, rounded down to the cent. */
export function couponValue(invested: bigint, rate: string, days: number): bigint {
  const parsed = parseDecimal(rate);
  if (!parsed.ok) throw new Error(`stored coupon rate is malformed: ${rate}`);
  const { numerator, denominator } = toFraction(parsed.value);
  return divideRounded(invested * numerator * BigInt(days), denominator * 365n, 'down');
}

export type PayOutcome =
  | 'paid'
  | 'already_paid'
  | 'not_qualified'
  | 'limit_reached'
  | 'no_reward'
  | 'pending';

/**
 * What a rate coupon is paid on, once its days have run from the first investment: the first
 * investment, or what the customer still holds invested at the end of `date` (principal of their
 * notes and their wealth holdings, not the wallet) when that is less. Read from their portrait of
 * `date`, which the crm.portraits step (980) writes before crm.rewards (985) in the same close
 * (a portrait it did not recompute is still right as of the date: docs/crm.md).
 * Null while the coupon's days run, or when the portrait of `date` is not there yet: the coupon is
 * tried again at the next close. So a coupon cannot be cashed by investing and redeeming at once.
 */
async function couponBase(
  trx: Executor,
  userId: string,
  first: FirstInvestment,
  days: number,
  date: PlainDate,
): Promise<bigint | null> {
  if (daysBetween(first.firstOn, date) < days) return null;
  const rows = await sql<{ notes: string | null; funds: string | null }>`
    select data->'assets'->>'notes' as notes, data->'assets'->>'funds' as funds from crm_portraits
    where user_id = ${userId}
      and (as_of = ${date}::date or exists (select 1 from crm_portrait_basis b where b.computed_on = ${date}::date))`.execute(
    trx,
  );
  const row = rows.rows[0];
  if (!row) return null;
  const held = BigInt(row.notes ?? '0') + BigInt(row.funds ?? '0');
  return held < first.amount ? held : first.amount;
}

interface Candidate {
  readonly userId: string;
  readonly signedUpOn: PlainDate;
  readonly referrerId: string | null;
}

interface LockedCampaign {
  reward_kind: string;
  reward_amount: bigint | null;
  coupon_rate: string | null;
  coupon_days: number | null;
  referrer_amount: bigint | null;
  min_investment: bigint;
  within_days: number;
  max_rewards: number | null;
  reward_budget: bigint | null;
}

function qualifies(
  c: LockedCampaign,
  candidate: Candidate,
  first: FirstInvestment | undefined,
  date: PlainDate,
) {
  if (!first || first.firstOn > date) return false;
  const days = daysBetween(candidate.signedUpOn, first.firstOn);
  return days >= 0 && days <= c.within_days && first.amount >= BigInt(c.min_investment);
}

/**
 * Pays what one candidate of one campaign is due, in the caller's transaction: their own reward and
 * their referrer's, each once. Returns what happened to the user's own reward (or the referrer's,
 * for a campaign that rewards only referrers).
 */
async function payCandidate(
  deps: RewardsDeps,
  trx: Executor,
  campaignId: string,
  candidate: Candidate,
  first: FirstInvestment | undefined,
  date: PlainDate,
): Promise<PayOutcome> {
  const locked = await sql<LockedCampaign>`
    select reward_kind, reward_amount, coupon_rate, coupon_days, referrer_amount, min_investment, within_days,
           max_rewards, reward_budget
    from crm_campaigns where id = ${campaignId} for update`.execute(trx);
  const c = locked.rows[0];
  if (!c) return 'no_reward';
  if (c.reward_kind === 'none' && c.referrer_amount === null) return 'no_reward';
  if (!qualifies(c, candidate, first, date)) return 'not_qualified';
  const reward: Reward =
    c.reward_kind === 'cash'
      ? { kind: 'cash', amount: BigInt(c.reward_amount!) }
      : c.reward_kind === 'rate_coupon'
        ? { kind: 'rate_coupon', rate: c.coupon_rate!, days: c.coupon_days! }
        : { kind: 'none' };
  const paid = await sql<{ role: string }>`
    select role from crm_rewards where campaign_id = ${campaignId} and qualifying_user_id = ${candidate.userId}`.execute(
    trx,
  );
  const already = new Set(paid.rows.map((r) => r.role));
  const invested = first!.amount;
  const due: { role: 'user' | 'referrer'; beneficiary: string; amount: bigint; base?: bigint }[] = [];
  let couponPending = false;
  if (reward.kind === 'cash')
    due.push({ role: 'user', beneficiary: candidate.userId, amount: reward.amount });
  else if (reward.kind === 'rate_coupon' && !already.has('user')) {
    const base = await couponBase(trx, candidate.userId, first!, reward.days, date);
    if (base === null) couponPending = true;
    else
      due.push({
        role: 'user',
        beneficiary: candidate.userId,
        amount: couponValue(base, reward.rate, reward.days),
        base,
      });
  }
  if (c.referrer_amount !== null && candidate.referrerId !== null)
    due.push({ role: 'referrer', beneficiary: candidate.referrerId, amount: BigInt(c.referrer_amount) });
  const todo = due.filter((d) => !already.has(d.role) && d.amount > 0n);
  if (todo.length === 0)
    return couponPending ? 'pending' : already.size > 0 || due.length > 0 ? 'already_paid' : 'no_reward';
  const totals = await sql<{ n: bigint; amount: bigint }>`
    select count(*)::int8 as n, coalesce(sum(amount), 0)::int8 as amount from crm_rewards
    where campaign_id = ${campaignId}`.execute(trx);
  let count = Number(totals.rows[0]!.n);
  let spent = BigInt(totals.rows[0]!.amount);
  let outcome: PayOutcome = 'paid';
  await ensureMarketingAccount(deps.ledger, trx);
  for (const d of todo) {
    const overCount = c.max_rewards !== null && count + 1 > c.max_rewards;
    const overBudget = c.reward_budget !== null && spent + d.amount > BigInt(c.reward_budget);
    if (overCount || overBudget) {
      if (d.role === 'user' || due.length === 1) outcome = 'limit_reached';
      continue;
    }
    const id = uuidv7();
    const transferId = `crm-reward:${id}`;
    const inserted = await sql`
      insert into crm_rewards (id, campaign_id, qualifying_user_id, role, beneficiary_id, kind, amount, currency,
        coupon_rate, coupon_days, invested_amount, invested_on, transfer_id, business_date, paid_at)
      values (${id}, ${campaignId}, ${candidate.userId}, ${d.role}, ${d.beneficiary},
        ${d.role === 'user' && reward.kind === 'rate_coupon' ? 'rate_coupon' : 'cash'}, ${d.amount}, ${CRM_CURRENCY},
        ${d.role === 'user' && reward.kind === 'rate_coupon' ? reward.rate : null},
        ${d.role === 'user' && reward.kind === 'rate_coupon' ? reward.days : null},
        ${d.base ?? invested}, ${first!.firstOn}, ${transferId}, ${date}, ${deps.clock.now()})
      on conflict (campaign_id, qualifying_user_id, role) do nothing`.execute(trx);
    if (inserted.numAffectedRows !== 1n) continue;
    const wallet = await deps.payments.walletAccount(trx, d.beneficiary);
    const [result] = await deps.ledger.createTransfers(
      [
        {
          id: transferId,
          debitAccountId: MARKETING_ACCOUNT,
          creditAccountId: wallet,
          amount: d.amount,
          ledger: CRM_CURRENCY,
          code: d.role === 'user' ? CrmCode.campaignReward : CrmCode.referralReward,
          userData: campaignId,
        },
      ],
      { tx: trx, idsAreNew: true },
    );
    if (result!.result !== 'ok') throw new Error(`ledger refused reward ${transferId}: ${result!.result}`);
    count += 1;
    spent += d.amount;
  }
  return outcome;
}

/** Sign-ups of a campaign per chunk of the crm.rewards step. */
export const REWARD_CHUNK = 5000;

/**
 * Key ranges of about `size` campaign sign-ups: the chunks of the crm.rewards step, so that a close
 * over a large book pays in bounded transactions and a resumed close redoes only unfinished ranges.
 */
export async function rewardRanges(db: Executor, size: number = REWARD_CHUNK): Promise<ChunkBounds[]> {
  const rows = await sql<{ id: string }>`
    select user_id as id from (
      select user_id, row_number() over (order by user_id) as n from crm_signup_sources where campaign_id is not null) t
    where (n - 1) % ${size} = 0 order by user_id`.execute(db);
  if (rows.rows.length === 0) return [{ from: null, to: null }];
  return rows.rows.map((r, i) => ({ from: i === 0 ? null : r.id, to: rows.rows[i + 1]?.id ?? null }));
}

/** Campaigns with something to pay whose sign-ups are not all paid yet, and their candidates. */
async function candidatesOf(db: Executor, bounds: ChunkBounds = {}) {
  const rows = await sql<{
    campaign_id: string;
    user_id: string;
    signed_up_on: string;
    referrer_id: string | null;
  }>`
    select s.campaign_id, s.user_id, s.signed_up_on::text as signed_up_on, s.referrer_id
    from crm_signup_sources s join crm_campaigns c on c.id = s.campaign_id
    where (c.reward_kind <> 'none' or c.referrer_amount is not null)
      and ${keyRange('s.user_id', bounds)}
      and (select count(*) from crm_rewards r where r.campaign_id = c.id and r.qualifying_user_id = s.user_id)
          < (case when c.reward_kind <> 'none' then 1 else 0 end
             + case when c.referrer_amount is not null and s.referrer_id is not null then 1 else 0 end)
    order by s.campaign_id, s.user_id`.execute(db);
  return rows.rows.map((r) => ({
    campaignId: r.campaign_id,
    userId: r.user_id,
    signedUpOn: r.signed_up_on as PlainDate,
    referrerId: r.referrer_id,
  }));
}

/**
 * Pays every reward due by the end of `date`, in `db`'s transaction (the day-close chunk's) or in
 * one of its own. Returns how many candidates were paid something.
 */
export async function payDueRewards(
  deps: RewardsDeps,
  db: Executor,
  date: PlainDate,
  bounds: ChunkBounds = {},
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const candidates = await candidatesOf(trx, bounds);
    const firsts = await firstInvestments(trx, [...new Set(candidates.map((c) => c.userId))]);
    // The campaigns' conditions read once, so that a sign-up whose first investment does not qualify
    // costs no lock and no queries; payCandidate checks again under the campaign's lock.
    const conditions = await sql<LockedCampaign & { id: string }>`
      select id, reward_kind, reward_amount, coupon_rate, coupon_days, referrer_amount, min_investment, within_days,
             max_rewards, reward_budget
      from crm_campaigns where id = any(${[...new Set(candidates.map((c) => c.campaignId))]}::uuid[])`.execute(
      trx,
    );
    const conditionOf = new Map(conditions.rows.map((c) => [c.id, c]));
    let paid = 0;
    for (const candidate of candidates) {
      const first = firsts.get(candidate.userId);
      if (!first) continue;
      const condition = conditionOf.get(candidate.campaignId);
      if (condition && !qualifies(condition, candidate, first, date)) continue;
      const outcome = await payCandidate(deps, trx, candidate.campaignId, candidate, first, date);
      if (outcome === 'paid') paid += 1;
    }
    return paid;
  });
}

/** Pays one user's rewards of one campaign if due (its own transaction): the single attempt. */
export async function payRewardOf(
  deps: RewardsDeps,
  db: Executor,
  campaign: Pick<Campaign, 'id'>,
  userId: string,
  date: PlainDate,
): Promise<PayOutcome> {
  return inTransaction(db, async (trx) => {
    const source = await sql<{
      signed_up_on: string;
      referrer_id: string | null;
      campaign_id: string | null;
    }>`
      select signed_up_on::text as signed_up_on, referrer_id, campaign_id from crm_signup_sources
      where user_id = ${userId}`.execute(trx);
    const row = source.rows[0];
    if (!row || row.campaign_id !== campaign.id) return 'not_qualified';
    const firsts = await firstInvestments(trx, [userId]);
    return payCandidate(
      deps,
      trx,
      campaign.id,
      { userId, signedUpOn: row.signed_up_on as PlainDate, referrerId: row.referrer_id },
      firsts.get(userId),
      date,
    );
  });
}

export interface RewardView {
  readonly id: string;
  readonly campaignId: string;
  readonly campaignName: string;
  readonly qualifyingUserId: string;
  readonly role: 'user' | 'referrer';
  readonly beneficiaryId: string;
  readonly kind: 'cash' | 'rate_coupon';
  readonly amount: bigint;
  readonly couponRate: string | null;
  readonly couponDays: number | null;
  readonly investedAmount: bigint;
  readonly investedOn: PlainDate;
  readonly businessDate: PlainDate;
}

export async function rewardsOf(
  db: Executor,
  filter: { campaignId?: string; beneficiaryId?: string },
): Promise<RewardView[]> {
  const rows = await sql<{
    id: string;
    campaign_id: string;
    name: string;
    qualifying_user_id: string;
    role: 'user' | 'referrer';
    beneficiary_id: string;
    kind: 'cash' | 'rate_coupon';
    amount: bigint;
    coupon_rate: string | null;
    coupon_days: number | null;
    invested_amount: bigint;
    invested_on: string;
    business_date: string;
  }>`
    select r.id, r.campaign_id, c.name, r.qualifying_user_id, r.role, r.beneficiary_id, r.kind, r.amount, r.coupon_rate,
           r.coupon_days, r.invested_amount, r.invested_on::text as invested_on, r.business_date::text as business_date
    from crm_rewards r join crm_campaigns c on c.id = r.campaign_id
    where ${filter.campaignId === undefined ? sql`true` : sql`r.campaign_id = ${filter.campaignId}`}
      and ${filter.beneficiaryId === undefined ? sql`true` : sql`r.beneficiary_id = ${filter.beneficiaryId}`}
    order by r.paid_at, r.id`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    campaignId: r.campaign_id,
    campaignName: r.name,
    qualifyingUserId: r.qualifying_user_id,
    role: r.role,
    beneficiaryId: r.beneficiary_id,
    kind: r.kind,
    amount: BigInt(r.amount),
    couponRate: r.coupon_rate,
    couponDays: r.coupon_days,
    investedAmount: BigInt(r.invested_amount),
    investedOn: r.invested_on as PlainDate,
    businessDate: r.business_date as PlainDate,
  }));
}
