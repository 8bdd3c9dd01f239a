-- Consumer credit (src/credit): line products, revolving credit lines and the log of every decision
-- about a line. No balance lives here: a line's limit, available and used credit and its debt are
-- ledger accounts (docs/credit.md). A line row holds its terms (the limit granted, a temporary raise
-- and its end, the rates) and its state; the event log says what happened and why.

create table credit_line_products (
  id text not null,
  version int not null,
  status text not null check (status in ('active', 'retired')),
  name text not null,
  config jsonb not null,
  created_at timestamptz not null,
  created_by text not null,
  primary key (id, version)
);

create table credit_lines (
  id uuid primary key,
  customer_id uuid not null,
  product_id text not null,
  product_version int not null,
  decision_id uuid unique,
  status text not null check (status in ('referred', 'declined', 'active', 'frozen', 'closed')),
  reasons jsonb not null default '[]',
  grade text,
  -- The limit the decision granted, before any temporary raise.
  granted_limit bigint not null default 0 check (granted_limit >= 0),
  temporary_raise bigint not null default 0 check (temporary_raise >= 0),
  raise_ends_on date,
  -- What a raise that ended while in use still has to take back from the limit: principal repaid
  -- goes to it before it restores available credit.
  reduction_due bigint not null default 0 check (reduction_due >= 0),
  daily_rate numeric(12, 8),
  fee_table jsonb not null default '{}',
  review_on date,
  opened_on date,
  -- The last business date whose interest has been accrued (the day-close step is idempotent by it).
  accrued_on date,
  frozen_reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index credit_lines_customer on credit_lines (customer_id, created_at desc);
-- One line per customer that is not declined or closed: applying again while one is open is refused.
create unique index credit_lines_one_open on credit_lines (customer_id)
  where status in ('referred', 'active', 'frozen');
create index credit_lines_accrual on credit_lines (id) where status in ('active', 'frozen');

create table credit_line_events (
  id uuid primary key,
  line_id uuid not null references credit_lines (id),
  kind text not null,
  amount bigint,
  reason text,
  actor_id text not null,
  business_date date not null,
  at timestamptz not null,
  details jsonb
);
create index credit_line_events_line on credit_line_events (line_id, at, id);
