-- CRM channels, campaigns and referrals (issue 20, src/crm/campaigns, docs/crm-campaigns.md).
-- crm owns these tables. Each sign-up's source is written by crm's sign-up listener inside identity's
-- sign-up transaction, so that the user row and its source commit or roll back together without
-- identity owning the table.

create table crm_campaigns (
  id uuid primary key,
  code text not null unique check (code ~ '^[a-z0-9_]{1,32}$'),
  name text not null check (length(name) between 1 and 100),
  channel text not null check (channel ~ '^[a-z0-9_]{1,32}$'),
  starts_on date not null,
  ends_on date not null check (ends_on >= starts_on),
  currency text not null,
  budget bigint not null check (budget >= 0),
  -- The reward: none, a cash bonus, or an interest-rate coupon on the first investment (paid as its
  -- cash value at the qualifying investment: lending has no coupon on a note's rate).
  reward_kind text not null check (reward_kind in ('none', 'cash', 'rate_coupon')),
  reward_amount bigint check (reward_amount > 0),
  coupon_rate text,
  coupon_days integer check (coupon_days between 1 and 366),
  -- What the referrer of a qualifying user gets (cash), if anything.
  referrer_amount bigint check (referrer_amount > 0),
  min_investment bigint not null default 0 check (min_investment >= 0),
  within_days integer not null default 30 check (within_days between 0 and 366),
  max_rewards integer check (max_rewards >= 0),
  reward_budget bigint check (reward_budget >= 0),
  created_at timestamptz not null,
  created_by text not null,
  updated_at timestamptz not null,
  check ((reward_kind = 'cash') = (reward_amount is not null)),
  check ((reward_kind = 'rate_coupon') = (coupon_rate is not null and coupon_days is not null))
);
create index crm_campaigns_channel on crm_campaigns (channel);

-- Spend entered by operations: append-only (corrections are negative entries).
create table crm_campaign_spend (
  id uuid primary key,
  campaign_id uuid not null references crm_campaigns (id),
  amount bigint not null check (amount <> 0),
  spent_on date not null,
  note text not null check (length(note) <= 200),
  entered_by text not null,
  entered_at timestamptz not null
);
create index crm_campaign_spend_campaign on crm_campaign_spend (campaign_id);

-- Every customer's referral code: 8 characters without 0, 1, I, L, O (read aloud without doubt).
create table crm_referral_codes (
  user_id uuid primary key,
  code text not null unique check (code ~ '^[2-9A-HJKMNP-Z]{8}$'),
  created_at timestamptz not null
);

-- Where each sign-up came from, as the web app's landing URL said.
create table crm_signup_sources (
  user_id uuid primary key,
  signed_up_at timestamptz not null,
  signed_up_on date not null,
  channel text not null,
  campaign_code text,
  campaign_id uuid references crm_campaigns (id),
  referral_code text,
  referrer_id uuid,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  utm_term text,
  utm_content text
);
create index crm_signup_sources_campaign on crm_signup_sources (campaign_id) where campaign_id is not null;
create index crm_signup_sources_referrer on crm_signup_sources (referrer_id) where referrer_id is not null;
create index crm_signup_sources_channel on crm_signup_sources (channel);

-- Rewards paid: once per qualifying user, campaign and role (the user's own reward, their referrer's),
-- whatever runs at once; the ledger transfer is posted in the same transaction.
create table crm_rewards (
  id uuid primary key,
  campaign_id uuid not null references crm_campaigns (id),
  qualifying_user_id uuid not null,
  role text not null check (role in ('user', 'referrer')),
  beneficiary_id uuid not null,
  kind text not null check (kind in ('cash', 'rate_coupon')),
  amount bigint not null check (amount > 0),
  currency text not null,
  coupon_rate text,
  coupon_days integer,
  invested_amount bigint not null,
  invested_on date not null,
  transfer_id text not null unique,
  business_date date not null,
  paid_at timestamptz not null,
  unique (campaign_id, qualifying_user_id, role)
);
create index crm_rewards_beneficiary on crm_rewards (beneficiary_id);
