import { sql } from 'kysely';
import { firstDrawDates } from '../../credit/index.ts';
import type { Executor } from '../../db/index.ts';
import type { Identity } from '../../identity/index.ts';
import { Decimal, divideRounded, formatDecimal } from '../../kernel/index.ts';
import { borrowedBy, firstLoanDates, firstNoteDates, noteInvestmentsOf } from '../../lending/index.ts';
import { feesPaidBy, firstPaymentDates } from '../../payments/index.ts';
import { firstWealthDates, wealthInvestmentsOf } from '../../wealth/index.ts';

/**
 * A channel's or a campaign's figures (issue 20), to date:
 * - signUps, verified (real name), firstTransaction: users with a first investment (lending or
 *   wealth), loan, credit draw or wallet payment;
 * - conversion at each step: verified / signUps, firstTransaction / verified, firstTransaction / signUps;
 * - spend: what operations entered (a channel's: its campaigns'); rewardsPaid: rewards paid through
 *   the ledger (also a cost, shown apart);
 * - costPerAcquisition: spend / firstTransaction users, rounded half up to the cent;
 * - invested (lending notes + wealth orders), borrowed (loans disbursed), revenue: the fees the users'
 *   wallets paid the platform (payments' REVENUE_CODES);
 * - returnOnSpend: revenue / spend.
 * Ratios are decimal strings with 4 places, null when their denominator is zero.
 */
export interface Figures {
  readonly signUps: number;
  readonly verified: number;
  readonly firstTransaction: number;
  readonly conversion: {
    readonly verified: string | null;
    readonly firstTransaction: string | null;
    readonly overall: string | null;
  };
  readonly spend: bigint;
  readonly rewardsPaid: bigint;
  readonly costPerAcquisition: bigint | null;
  readonly invested: bigint;
  readonly borrowed: bigint;
  readonly revenue: bigint;
  readonly returnOnSpend: string | null;
}

const ratio = (a: number | bigint, b: number | bigint): string | null =>
  BigInt(b) === 0n ? null : formatDecimal(new Decimal(a.toString()).div(b.toString()), 4);

interface UserFacts {
  readonly verified: Set<string>;
  readonly transacted: Set<string>;
  readonly invested: Map<string, bigint>;
  readonly borrowed: Map<string, bigint>;
  readonly revenue: Map<string, bigint>;
}

/** The facts figures need about these users, read through each context's index.ts. */
export async function userFacts(
  db: Executor,
  identity: Identity,
  userIds: readonly string[],
): Promise<UserFacts> {
  const ids = new Set(userIds);
  const origins = await identity.customerOrigins(userIds, db);
  const transacted = new Set<string>();
  for (const list of await Promise.all([
    firstNoteDates(db),
    firstWealthDates(db),
    firstLoanDates(db),
    firstPaymentDates(db),
    firstDrawDates(db),
  ]))
    for (const r of list) if (ids.has(r.userId)) transacted.add(r.userId);
  const invested = new Map<string, bigint>();
  for (const r of [...(await noteInvestmentsOf(db, userIds)), ...(await wealthInvestmentsOf(db, userIds))])
    invested.set(r.userId, (invested.get(r.userId) ?? 0n) + r.invested);
  return {
    verified: new Set(origins.filter((o) => o.verified).map((o) => o.userId)),
    transacted,
    invested,
    borrowed: await borrowedBy(db, userIds),
    revenue: await feesPaidBy(db, userIds),
  };
}

export function figuresOf(
  facts: UserFacts,
  userIds: readonly string[],
  spend: bigint,
  rewardsPaid: bigint,
): Figures {
  let verified = 0;
  let firstTransaction = 0;
  let invested = 0n;
  let borrowed = 0n;
  let revenue = 0n;
  for (const id of userIds) {
    if (facts.verified.has(id)) verified += 1;
    if (facts.transacted.has(id)) firstTransaction += 1;
    invested += facts.invested.get(id) ?? 0n;
    borrowed += facts.borrowed.get(id) ?? 0n;
    revenue += facts.revenue.get(id) ?? 0n;
  }
  return {
    signUps: userIds.length,
    verified,
    firstTransaction,
    conversion: {
      verified: ratio(verified, userIds.length),
      firstTransaction: ratio(firstTransaction, verified),
      overall: ratio(firstTransaction, userIds.length),
    },
    spend,
    rewardsPaid,
    costPerAcquisition:
      firstTransaction === 0 ? null : divideRounded(spend, BigInt(firstTransaction), 'half_up'),
    invested,
    borrowed,
    revenue,
    returnOnSpend: ratio(revenue, spend),
  };
}

/** A campaign's users: the sign-ups linked to it. */
export async function campaignUsers(db: Executor, campaignId: string): Promise<string[]> {
  const rows = await sql<{ user_id: string }>`
    select user_id from crm_signup_sources where campaign_id = ${campaignId} order by user_id`.execute(db);
  return rows.rows.map((r) => r.user_id);
}

/**
 * Every customer by channel: the channel crm recorded at sign-up, or, for customers from before
 * crm recorded sources (and the demo's), the one identity keeps on the user.
 */
export async function usersByChannel(db: Executor, identity: Identity): Promise<Map<string, string[]>> {
  const origins = await identity.customerOrigins(undefined, db);
  const recorded = await sql<{ user_id: string; channel: string }>`
    select user_id, channel from crm_signup_sources`.execute(db);
  const crmChannel = new Map(recorded.rows.map((r) => [r.user_id, r.channel]));
  const out = new Map<string, string[]>();
  for (const o of origins) {
    const channel = crmChannel.get(o.userId) ?? o.channel;
    const list = out.get(channel) ?? [];
    list.push(o.userId);
    out.set(channel, list);
  }
  return out;
}

/** Spend entered and rewards paid, per campaign channel. */
export async function costsByChannel(db: Executor): Promise<Map<string, { spend: bigint; rewards: bigint }>> {
  const rows = await sql<{ channel: string; spend: bigint; rewards: bigint }>`
    select c.channel,
           coalesce(sum((select sum(s.amount) from crm_campaign_spend s where s.campaign_id = c.id)), 0)::int8 as spend,
           coalesce(sum((select sum(r.amount) from crm_rewards r where r.campaign_id = c.id)), 0)::int8 as rewards
    from crm_campaigns c group by c.channel`.execute(db);
  return new Map(rows.rows.map((r) => [r.channel, { spend: BigInt(r.spend), rewards: BigInt(r.rewards) }]));
}
