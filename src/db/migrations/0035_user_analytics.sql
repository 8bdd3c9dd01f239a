-- Users analytics (issue 19, src/analytics/areas/users.ts): what identity records so that the users
-- dashboard can count active users, retention and channels, the indexes the area's day queries use
-- in their owners' tables, and the area's own cache of each user's first transactions.

-- The channel a user signed up through (a short code: 'organic' when none was given; campaigns'
-- codes later, issue 20). Set once, at sign-up.
alter table users add column channel text not null default 'organic'
  check (channel ~ '^[a-z0-9_]{1,32}$');
create index users_created on users (created_at);
create index users_verified on users (kyc_verified_at) where kyc_verified_at is not null;

-- The business dates a user was active on: a sign-up, a sign-in, or any request with their session.
-- Written at most once per user and day (identity keeps the day's users already written in memory,
-- and the insert does nothing on a conflict), never once per request.
create table user_activity_days (
  user_id uuid not null references users (id),
  day date not null,
  primary key (user_id, day)
);
create index user_activity_days_day on user_activity_days (day, user_id);

-- What the sessions kept before this table existed: the days of their sign-ins and their last use.
insert into user_activity_days (user_id, day)
select user_id, (created_at at time zone 'Asia/Shanghai')::date from sessions
union
select user_id, (last_seen_at at time zone 'Asia/Shanghai')::date from sessions
on conflict do nothing;

create index bank_cards_verified on bank_cards (verified_at) where verified_at is not null;
create index loan_notes_acquired on loan_notes (acquired_on) where kind = 'investor';
create index loans_start on loans (start_date) where start_date is not null;
create index payment_orders_day_paid on payment_orders (business_date)
  where kind in ('merchant_payment', 'transfer');
create index credit_line_events_draws on credit_line_events (business_date) where kind = 'draw';
create index wealth_mmf_orders_subscribed on wealth_mmf_orders (business_date) where kind = 'subscription';
create index wealth_fixed_purchases_day on wealth_fixed_purchases (business_date);
create index wealth_fund_orders_subscribed on wealth_fund_orders (created_at) where kind = 'subscription';
create index wealth_fund_orders_user on wealth_fund_orders (user_id, created_at);

-- Analytics' own: each user's first investment, loan and payment date, as the owning contexts say
-- (always the true first date, whatever order the dates are computed in). Filled from the whole
-- history the first time the area runs, then by each computed date's transacting users.
create table analytics_user_firsts (
  user_id uuid not null,
  kind text not null check (kind in ('investment', 'loan', 'payment')),
  first_on date not null,
  primary key (user_id, kind)
);
create index analytics_user_firsts_day on analytics_user_firsts (kind, first_on);
