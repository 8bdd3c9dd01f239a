import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { SignedUp } from '../../identity/index.ts';
import type { Clock } from '../../kernel/index.ts';
import { referralCodeOf, userOfReferralCode } from './referral-codes.ts';

/**
 * Records a sign-up's source inside identity's sign-up transaction (identity.onSignedUp), and gives
 * the new customer their referral code. The campaign code links the sign-up to the campaign when a
 * campaign has that code and the sign-up's business date is within its period; the referral code
 * links it to the referrer when it is someone's. Codes that link to nothing are kept as given.
 * The channel: the campaign's when one is linked and no channel was said; 'referral' for a referred
 * sign-up that says none; otherwise the one identity recorded on the user.
 */
export async function recordSignUpSource(trx: Executor, clock: Clock, event: SignedUp): Promise<void> {
  await referralCodeOf(trx, clock, event.userId);
  const source = event.source;
  const today = clock.businessDate();
  let campaign: { id: string; channel: string } | undefined;
  if (source?.campaign !== undefined) {
    const rows = await sql<{ id: string; channel: string }>`
      select id, channel from crm_campaigns
      where code = ${source.campaign} and starts_on <= ${today}::date and ends_on >= ${today}::date`.execute(
      trx,
    );
    campaign = rows.rows[0];
  }
  const referrerId =
    source?.referrer !== undefined ? await userOfReferralCode(trx, source.referrer) : undefined;
  const channel =
    source?.channel ?? campaign?.channel ?? (referrerId !== undefined ? 'referral' : event.channel);
  const utm = source?.utm ?? {};
  await sql`
    insert into crm_signup_sources (user_id, signed_up_at, signed_up_on, channel, campaign_code, campaign_id,
      referral_code, referrer_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content)
    values (${event.userId}, ${clock.now()}, ${today}, ${channel}, ${source?.campaign ?? null},
      ${campaign?.id ?? null}, ${source?.referrer ?? null}, ${referrerId === event.userId ? null : (referrerId ?? null)},
      ${utm.source ?? null}, ${utm.medium ?? null}, ${utm.campaign ?? null}, ${utm.term ?? null}, ${utm.content ?? null})`.execute(
    trx,
  );
}

export interface SignUpSourceView {
  readonly userId: string;
  readonly signedUpOn: string;
  readonly channel: string;
  readonly campaignId: string | null;
  readonly campaignCode: string | null;
  readonly referralCode: string | null;
  readonly referrerId: string | null;
  readonly utm: Record<string, string>;
}

interface SourceRow {
  user_id: string;
  signed_up_on: string;
  channel: string;
  campaign_id: string | null;
  campaign_code: string | null;
  referral_code: string | null;
  referrer_id: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
}

export function sourceView(r: SourceRow): SignUpSourceView {
  const utm: Record<string, string> = {};
  for (const key of ['source', 'medium', 'campaign', 'term', 'content'] as const) {
    const value = r[`utm_${key}`];
    if (value !== null) utm[key] = value;
  }
  return {
    userId: r.user_id,
    signedUpOn: r.signed_up_on,
    channel: r.channel,
    campaignId: r.campaign_id,
    campaignCode: r.campaign_code,
    referralCode: r.referral_code,
    referrerId: r.referrer_id,
    utm,
  };
}

/** The recorded sources: all, or a campaign's sign-ups, or a referrer's. */
export async function signUpSources(
  db: Executor,
  filter: { campaignId?: string; referrerId?: string; userId?: string } = {},
): Promise<SignUpSourceView[]> {
  const rows = await sql<SourceRow>`
    select user_id, signed_up_on::text as signed_up_on, channel, campaign_id, campaign_code, referral_code, referrer_id,
           utm_source, utm_medium, utm_campaign, utm_term, utm_content
    from crm_signup_sources
    where ${filter.campaignId === undefined ? sql`true` : sql`campaign_id = ${filter.campaignId}`}
      and ${filter.referrerId === undefined ? sql`true` : sql`referrer_id = ${filter.referrerId}`}
      and ${filter.userId === undefined ? sql`true` : sql`user_id = ${filter.userId}`}
    order by signed_up_at, user_id`.execute(db);
  return rows.rows.map(sourceView);
}
