-- Payments (src/payments): wallets, merchants, payment orders, channel notifications, exceptions and
-- reconciliation. Balances are not here: every wallet and settlement account is a ledger account.

create table wallets (
  user_id uuid primary key,
  account_id text not null unique,             -- the ledger account (code 2001)
  currency text not null,
  created_at timestamptz not null
);

create table merchants (
  id uuid primary key,
  owner_user_id uuid not null unique,
  name text not null,
  status text not null default 'active' check (status in ('active', 'suspended')),
  account_id text not null unique,             -- the settlement ledger account (code 2002)
  created_at timestamptz not null
);

create table payment_orders (
  id uuid primary key,
  kind text not null check (kind in ('top_up', 'withdrawal', 'transfer', 'merchant_payment', 'refund')),
  status text not null check (status in ('awaiting_payment', 'pending', 'succeeded', 'failed', 'expired', 'closed')),
  user_id uuid,                                -- who pays (top-up: who is credited)
  counterparty_user_id uuid,                   -- a transfer's recipient
  merchant_id uuid references merchants (id),
  parent_order_id uuid references payment_orders (id),
  amount bigint not null check (amount > 0),
  fee bigint not null default 0 check (fee >= 0),
  currency text not null,
  method text check (method in ('wallet', 'card')),
  channel text,
  channel_order_id text,
  card_id uuid,
  description text,
  merchant_order_no text,
  failure_code text,
  password_free boolean not null default false, -- paid from the wallet without the payment password
  note text,
  expires_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  completed_at timestamptz,
  business_date date not null
);
create unique index payment_orders_merchant_no on payment_orders (merchant_id, merchant_order_no) where merchant_order_no is not null;
create index payment_orders_user on payment_orders (user_id, created_at desc);
create index payment_orders_counterparty on payment_orders (counterparty_user_id, created_at desc) where counterparty_user_id is not null;
create index payment_orders_merchant on payment_orders (merchant_id, created_at desc) where merchant_id is not null;
create index payment_orders_parent on payment_orders (parent_order_id) where parent_order_id is not null;
create index payment_orders_open on payment_orders (channel, updated_at) where status = 'pending';
create index payment_orders_channel_day on payment_orders (channel, business_date) where channel is not null;

-- Every notification a channel sent, once: a replay is recognised and answered without reprocessing.
create table channel_notifications (
  channel text not null,
  notification_id text not null,
  order_id uuid,
  received_at timestamptz not null,
  outcome text not null,
  primary key (channel, notification_id)
);

-- Things finance must look at: amount mismatches, unknown orders, reconciliation differences.
create table payment_exceptions (
  id uuid primary key,
  kind text not null,
  channel text,
  order_id uuid,
  reference text not null,                     -- what the exception is about, unique per kind
  details jsonb not null,
  status text not null default 'open' check (status in ('open', 'resolved')),
  created_at timestamptz not null,
  resolved_at timestamptz,
  resolved_by text,
  resolution text,
  note text,
  unique (kind, reference)
);
create index payment_exceptions_open on payment_exceptions (created_at) where status = 'open';

create table reconciliation_runs (
  channel text not null,
  business_date date not null,
  ran_at timestamptz not null,
  counts jsonb not null,
  primary key (channel, business_date)
);

create table reconciliation_lines (
  channel text not null,
  business_date date not null,
  reference text not null,                     -- netfin's order id
  classification text not null check (classification in ('matched', 'missing_in_netfin', 'missing_at_channel', 'amount_differs', 'status_differs')),
  netfin_amount bigint,
  channel_amount bigint,
  netfin_status text,
  channel_status text,
  primary key (channel, business_date, reference)
);
