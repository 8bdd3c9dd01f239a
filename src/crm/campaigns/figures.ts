import { sql } from 'kysely';
import { firstDrawDates } from '../../credit/index.ts';
import type { Executor } from '../../db/index.ts';
import type { Identity } from '../../identity/index.ts';
import { Decimal, divideRounded, formatDecimal } from '../../kernel/index.ts';
import { borrowedBy, noteInvestmentsOf } from '../../lending/index.ts';
import { feesPaidBy, firstPaymentDates } from '../../payments/index.ts';
import { wealthInvestmentsOf } from '../../wealth/index.ts';

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

/** What figures add up over a group of users (a campaign's, a channel's). */
export interface Totals {
  signUps: number;
  verified: number;
  firstTransaction: number;
  invested: bigint;
  borrowed: bigint;
  revenue: bigint;
}

/** Users per page when figures walk a group: memory stays bounded whatever the group's size. */
export const FIGURES_PAGE = 20_000;

const emptyTotals = (): Totals => ({
  signUps: 0,
  verified: 0,
  firstTransaction: 0,
  invested: 0n,
  borrowed: 0n,
  revenue: 0n,
});

/**
 * Adds one page of users to the totals of their groups (`groupOf` each user's group), reading what
 * figures need about them through each context's index.ts, each reader restricted to these users.
 */
export async function addPage(
  db: Executor,
  page: readonly { userId: string; verified: boolean; group: string }[],
  totals: Map<string, Totals>,
): Promise<void> {
  if (page.length === 0) return;
  const ids = page.map((u) => u.userId);
  // A first transaction: a note or a wealth order, a loan disbursed, a wallet payment or a credit draw.
  const [noteAmounts, wealthAmounts, borrowed, payments, draws, revenue] = await Promise.all([
    noteInvestmentsOf(db, ids),
    wealthInvestmentsOf(db, ids),
    borrowedBy(db, ids),
    firstPaymentDates(db, undefined, ids),
    firstDrawDates(db, undefined, ids),
    feesPaidBy(db, ids),
  ]);
  const transacted = new Set([
    ...[...noteAmounts, ...wealthAmounts, ...payments, ...draws].map((r) => r.userId),
    ...borrowed.keys(),
  ]);
  const invested = new Map<string, bigint>();
  for (const r of [...noteAmounts, ...wealthAmounts])
    invested.set(r.userId, (invested.get(r.userId) ?? 0n) + r.invested);
  for (const u of page) {
    let t = totals.get(u.group);
    if (!t) {
      t = emptyTotals();
      totals.set(u.group, t);
    }
    t.signUps += 1;
    if (u.verified) t.verified += 1;
    if (transacted.has(u.userId)) t.firstTransaction += 1;
    t.invested += invested.get(u.userId) ?? 0n;
    t.borrowed += borrowed.get(u.userId) ?? 0n;
    t.revenue += revenue.get(u.userId) ?? 0n;
  }
}

export function figuresOf(totals: Totals | undefined, spend: bigint, rewardsPaid: bigint): Figures {
  const { signUps, verified, firstTransaction, invested, borrowed, revenue } = totals ?? emptyTotals();
  return {
    signUps,
    verified,
    firstTransaction,
    conversion: {
      verified: ratio(verified, signUps),
      firstTransaction: ratio(firstTransaction, verified),
      overall: ratio(firstTransaction, signUps),
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

/** A campaign's totals: its sign-ups, a page at a time. */
export async function campaignTotals(
  db: Executor,
  identity: Identity,
  campaignId: string,
  pageSize = FIGURES_PAGE,
): Promise<Totals> {
  const totals = new Map<string, Totals>();
  let after: string | null = null;
  for (;;) {
    const rows = await sql<{ user_id: string }>`
      select user_id from crm_signup_sources
      where campaign_id = ${campaignId} and (${after}::uuid is null or user_id > ${after}::uuid)
      order by user_id limit ${pageSize}`.execute(db);
    if (rows.rows.length === 0) break;
    const origins = await identity.customerOrigins(
      rows.rows.map((r) => r.user_id),
      db,
    );
    await addPage(
      db,
      origins.map((o) => ({ userId: o.userId, verified: o.verified, group: campaignId })),
      totals,
    );
    after = rows.rows.at(-1)!.user_id;
    if (rows.rows.length < pageSize) break;
  }
  return totals.get(campaignId) ?? emptyTotals();
}

/**
 * Every customer's totals by channel, a page of customers at a time: the channel crm recorded at
 * sign-up, or, for customers from before crm recorded sources (and the demo's), the one identity
 * keeps on the user.
 */
export async function channelTotals(
  db: Executor,
  identity: Identity,
  pageSize = FIGURES_PAGE,
): Promise<Map<string, Totals>> {
  const totals = new Map<string, Totals>();
  let after: string | null = null;
  for (;;) {
    const origins = await identity.customerOriginsPage(after, pageSize, db);
    if (origins.length === 0) break;
    const recorded = await sql<{ user_id: string; channel: string }>`
      select user_id, channel from crm_signup_sources
      where user_id = any(${origins.map((o) => o.userId)}::uuid[])`.execute(db);
    const crmChannel = new Map(recorded.rows.map((r) => [r.user_id, r.channel]));
    await addPage(
      db,
      origins.map((o) => ({
        userId: o.userId,
        verified: o.verified,
        group: crmChannel.get(o.userId) ?? o.channel,
      })),
      totals,
    );
    after = origins.at(-1)!.userId;
    if (origins.length < pageSize) break;
  }
  return totals;
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
