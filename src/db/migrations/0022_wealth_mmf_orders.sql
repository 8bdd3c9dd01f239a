-- The money-market fund's orders (src/wealth/mmf/orders.ts, issue 18). See docs/wealth-mmf-orders.md.
-- Units are CNY minor units at the fixed NAV of 1.0000; what a holder holds is the ledger's (their
-- holding account), never a column here. An order row keeps only its own amount.

-- Subscriptions and redemptions. A subscription is pending from the moment the money leaves the
-- wallet (wallet → the fund's pending account) until its confirm date's day-close step moves it into
-- the holding. A normal redemption is pending (a pending ledger transfer holding → wallet, so the units
-- are frozen and earn nothing) until its pay date; a quick redemption is completed at once.
create table wealth_mmf_orders (
  id uuid primary key,
  product_id uuid not null references wealth_products (id),
  user_id uuid not null,
  kind text not null check (kind in ('subscription', 'redemption')),
  -- For a redemption: normal (paid on the next trading day) or quick (paid at once, within caps).
  mode text check ((kind = 'subscription') = (mode is null) and mode in ('normal', 'quick')),
  -- What a quick redemption paid for, when it was made to pay from the fund: a merchant order or a loan.
  purpose text not null default 'wallet' check (purpose in ('wallet', 'merchant_payment', 'loan_repayment')),
  reference text check (length(reference) <= 64),
  amount bigint not null check (amount > 0),
  -- The business date the order was placed on, and its trade date (tradeDateOf: cut-off, calendar).
  business_date date not null,
  trade_date date not null,
  -- A subscription's confirm date (it earns from that date's income on); a redemption's pay date.
  settle_date date not null,
  status text not null check (status in ('pending', 'completed')),
  acknowledgement_id uuid,
  -- The transfer that took the money or froze the units, and the one that completed the order.
  transfer_id text not null,
  settle_transfer_id text,
  -- A quick redemption's draw on the fund's liquidity is given back by the day-close of its business
  -- date (the fund's own T+1 settlement replenishes the pool); the date it was given back.
  liquidity_restored_on date,
  created_at timestamptz not null,
  completed_at timestamptz
);
create index wealth_mmf_orders_pending on wealth_mmf_orders (settle_date, id) where status = 'pending';
create index wealth_mmf_orders_user on wealth_mmf_orders (user_id, created_at desc);
create index wealth_mmf_orders_day on wealth_mmf_orders (product_id, business_date);
create index wealth_mmf_orders_unrestored on wealth_mmf_orders (product_id, business_date)
  where mode = 'quick' and liquidity_restored_on is null;

-- Quick redemptions' use of today's caps: per investor and per fund, per business date. Taken with a
-- conditional upsert (used + x <= cap) before the ledger moves anything, so that parallel requests
-- can never together exceed a cap; a refused order rolls its increment back with it.
create table wealth_mmf_quick_investor (
  product_id uuid not null references wealth_products (id),
  user_id uuid not null,
  business_date date not null,
  used bigint not null check (used >= 0),
  primary key (product_id, user_id, business_date)
);
create table wealth_mmf_quick_fund (
  product_id uuid not null references wealth_products (id),
  business_date date not null,
  used bigint not null check (used >= 0),
  primary key (product_id, business_date)
);
