-- Fixed-term products (src/wealth/fixed, issue 18; docs/wealth-fixed-term.md). The product itself is
-- a wealth_products row of kind 'fixed_term' with its terms; here are its raise, the investors'
-- purchases and what was paid out. Balances live in the ledger only: the raising account holds the
-- money raised, each investor's holding what the product owes them.

-- One row per published fixed-term product: where its raise stands. The dates are copied from the
-- terms at publication (a published product's terms no longer change) so that day-close can find
-- the products with work to do.
create table wealth_fixed_raises (
  product_id uuid primary key references wealth_products (id),
  state text not null check (state in ('raising', 'valued', 'failed', 'matured')),
  raise_start date not null,
  raise_end date not null,
  value_date date not null,
  maturity_date date not null,
  -- The business date whose close decided the raise (valued or failed), and paid it at maturity.
  decided_on date,
  matured_on date,
  updated_at timestamptz not null
);
create index wealth_fixed_raises_due on wealth_fixed_raises (state, raise_end, maturity_date);

-- An investor's purchase during raising: the order's amount, never a running balance.
create table wealth_fixed_purchases (
  id uuid primary key,
  product_id uuid not null references wealth_products (id),
  user_id uuid not null,
  amount int8 not null check (amount > 0),
  business_date date not null,
  -- raising: money in the raising account; holding: valued into the investor's holding;
  -- refunded: the raise failed; matured: paid at maturity; redeemed: redeemed early.
  status text not null check (status in ('raising', 'holding', 'refunded', 'matured', 'redeemed')),
  holding_id uuid references wealth_holdings (id),
  -- The suitability acknowledgement, where the product was above the investor's class.
  acknowledgement_id uuid,
  raise_transfer_id text not null,
  refund_transfer_id text,
  settled_on date,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index wealth_fixed_purchases_product on wealth_fixed_purchases (product_id, user_id);
create index wealth_fixed_purchases_user on wealth_fixed_purchases (user_id, created_at);

-- What a holding was paid when it ended: at maturity, or redeemed early with its penalty.
create table wealth_fixed_settlements (
  holding_id uuid primary key references wealth_holdings (id),
  product_id uuid not null references wealth_products (id),
  user_id uuid not null,
  kind text not null check (kind in ('maturity', 'early')),
  principal int8 not null check (principal > 0),
  days integer not null check (days >= 0),
  -- The annual rate applied for those days (the stated one, or the reduced one on early redemption).
  rate text not null,
  interest int8 not null check (interest >= 0),
  fee int8 not null check (fee >= 0),
  net int8 not null check (net >= 0),
  business_date date not null,
  transfer_ids text[] not null,
  created_at timestamptz not null
);
create index wealth_fixed_settlements_user on wealth_fixed_settlements (user_id, created_at);
