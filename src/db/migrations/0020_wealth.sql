-- Wealth management (src/wealth, issue 18): the trading calendar, products, and the holdings
-- registry. Balances live in the ledger only: a holding row names its ledger account, never an amount.
-- See docs/wealth.md.

-- Trading days are Monday to Friday except the holidays operations enter here.
create table wealth_holidays (
  date date primary key,
  name text not null,
  created_by uuid,
  created_at timestamptz not null
);

-- Every wealth product, whatever its kind. Kind-specific terms are a JSON document each kind
-- validates (mmf/, funds/, fixed/). A product is written as a draft, approved by a second person,
-- published, then closed; every change is audited.
create table wealth_products (
  id uuid primary key,
  code text not null unique,
  kind text not null check (kind in ('money_market', 'mutual_fund', 'fixed_term')),
  name_zh text not null,
  name_en text not null,
  risk_level smallint not null check (risk_level between 1 and 5),
  -- Whether an investor below the product's level may buy after acknowledging a warning.
  allow_override boolean not null default false,
  status text not null check (status in ('draft', 'approved', 'published', 'closed')),
  terms jsonb not null,
  created_by uuid,
  -- Everyone who wrote the draft: none of them may approve it.
  edited_by uuid[] not null default '{}',
  approved_by uuid,
  approved_at timestamptz,
  published_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index wealth_products_kind on wealth_products (kind, status);

-- Which investor holds which product, and the ledger account that holds it. A registry for
-- day-close to walk in key order (income to every holder); the balance is the ledger's.
create table wealth_holdings (
  id uuid primary key,
  product_id uuid not null references wealth_products (id),
  user_id uuid not null,
  account_id text not null unique,
  opened_at timestamptz not null,
  unique (product_id, user_id)
);
create index wealth_holdings_user on wealth_holdings (user_id);
