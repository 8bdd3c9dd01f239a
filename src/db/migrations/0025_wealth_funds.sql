-- Distributed mutual funds (基金代销, src/wealth/funds, issue 18; docs/wealth-funds.md).
-- Balances stay in the ledger: an investor's units are a fund_units account in the fund's unit
-- ledger; the money is in the fund's pending and custody accounts. These tables hold prices and the
-- figures of each order, never a running balance.

-- A fund's net asset value per unit on a trading date, entered or imported by operations.
create table wealth_fund_navs (
  product_id uuid not null references wealth_products (id),
  date date not null,
  nav numeric(12, 4) not null check (nav > 0),
  entered_by uuid,
  entered_at timestamptz not null,
  primary key (product_id, date)
);

-- Subscriptions (amount in cents) and redemptions (units in hundredths), priced at the NAV of the
-- trade date (the unknown-price rule, 未知价) once it is known.
create table wealth_fund_orders (
  id uuid primary key,
  kind text not null check (kind in ('subscription', 'redemption')),
  product_id uuid not null references wealth_products (id),
  user_id uuid not null,
  holding_id uuid not null references wealth_holdings (id),
  -- subscription: the money paid; redemption: the gross value at the NAV (set when priced).
  amount bigint check (amount >= 0),
  -- subscription: units issued (set when confirmed); redemption: the units asked for.
  units bigint check (units >= 0),
  -- subscription: the front-end fee (known at placement); redemption: by holding period (when priced).
  fee bigint check (fee >= 0),
  fee_rate numeric(20, 12),
  -- redemption: the parts of FIFO lots it consumed, with their holding periods and rates.
  fee_parts jsonb,
  nav numeric(12, 4),
  trade_date date not null,
  -- the next trading day after the trade date: when the order is confirmed (priced).
  confirm_date date not null,
  -- redemption: the date the money is in the wallet (T+N trading days).
  pay_date date,
  status text not null check (status in ('pending', 'confirmed', 'paid')),
  acknowledgement_id uuid,
  -- subscription: wallet → pending; redemption: the pending units transfer (frozen at the request).
  order_transfer_id text not null,
  settle_transfer_ids text[] not null default '{}',
  created_at timestamptz not null,
  confirmed_at timestamptz,
  paid_at timestamptz,
  check (kind = 'redemption' or amount is not null),
  check (kind = 'subscription' or (units is not null and pay_date is not null))
);
create index wealth_fund_orders_due on wealth_fund_orders (confirm_date) where status = 'pending';
create index wealth_fund_orders_pay on wealth_fund_orders (pay_date) where status = 'confirmed' and kind = 'redemption';
create index wealth_fund_orders_trade on wealth_fund_orders (trade_date, product_id);
create index wealth_fund_orders_holding on wealth_fund_orders (holding_id, created_at);
