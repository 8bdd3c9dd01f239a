-- Lending (src/lending): loan products, applications, listings and bids, loans and their schedules,
-- notes, the journals of charges and payments, reserve advances, the secondary market, auto-invest.
-- No balance lives here: every amount owed, held or paid is a ledger account (docs/lending.md). The
-- charge and allocation journals are immutable rows written in the same transaction as the
-- transfers they explain; they say which instalment a posting belongs to.

create table lending_products (
  id text not null,
  version int not null,
  status text not null check (status in ('active', 'retired')),
  name text not null,
  config jsonb not null,
  created_at timestamptz not null,
  created_by text not null,
  primary key (id, version)
);

create table loan_applications (
  id uuid primary key,
  borrower_id uuid not null,
  product_id text not null,
  product_version int not null,
  amount bigint not null check (amount > 0),
  term int not null check (term > 0),
  method text not null,
  purpose text not null,
  decision_id uuid unique,
  status text not null check (status in ('referred', 'declined', 'listed', 'cancelled')),
  reasons jsonb not null default '[]',
  loan_id uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index loan_applications_borrower on loan_applications (borrower_id, created_at desc);

create table loans (
  id uuid primary key,
  application_id uuid not null unique,
  borrower_id uuid not null,
  product_id text not null,
  product_version int not null,
  amount bigint not null check (amount > 0),       -- asked and listed; at a partial disbursement, what was funded
  annual_rate numeric(12, 6) not null,
  upfront_fee_rate numeric(12, 6) not null,
  term int not null,
  term_unit text not null check (term_unit in ('month', 'day')),
  method text not null,
  grade text not null,
  risk_level smallint not null check (risk_level between 1 and 5),
  purpose text not null,
  borrower_summary jsonb not null,
  status text not null check (status in ('listing', 'full', 'failed', 'active', 'repaid', 'written_off')),
  manual_open boolean not null default false,      -- false while auto-investors are served
  listed_at timestamptz not null,
  expires_on date not null,
  full_at timestamptz,
  disbursed_at timestamptz,
  start_date date,
  fully_advanced boolean not null default false,   -- the reserve holds all remaining principal
  closed_on date,
  created_at timestamptz not null
);
create index loans_status on loans (status, expires_on);
create index loans_borrower on loans (borrower_id, created_at desc);

create table loan_bids (
  id uuid primary key,
  loan_id uuid not null references loans (id),
  investor_id uuid not null,
  requested bigint not null check (requested > 0),
  amount bigint not null check (amount > 0),       -- what was accepted and frozen
  source text not null check (source in ('manual', 'auto')),
  status text not null check (status in ('frozen', 'posted', 'released')),
  created_at timestamptz not null
);
create index loan_bids_loan on loan_bids (loan_id, investor_id);
create index loan_bids_investor on loan_bids (investor_id, created_at desc);

-- A note: one holder's share of one loan. Its principal is the ledger account note:<id>. The reserve
-- holds one note per loan for what it advanced (holder_id null).
create table loan_notes (
  id uuid primary key,
  loan_id uuid not null references loans (id),
  holder_id uuid,
  kind text not null check (kind in ('investor', 'reserve')),
  origin text not null check (origin in ('disbursement', 'purchase', 'advance')),
  parent_note_id uuid,
  original_principal bigint not null check (original_principal >= 0),
  acquired_on date not null,
  created_at timestamptz not null
);
create index loan_notes_loan on loan_notes (loan_id);
create index loan_notes_holder on loan_notes (holder_id, created_at desc) where holder_id is not null;
create unique index loan_notes_reserve on loan_notes (loan_id) where kind = 'reserve';

-- The contractual schedule. A partial prepayment rewrites the periods not yet charged.
create table loan_installments (
  loan_id uuid not null references loans (id),
  period int not null,
  due_date date not null,
  principal bigint not null check (principal >= 0),
  interest bigint not null check (interest >= 0),
  fee bigint not null check (fee >= 0),
  primary key (loan_id, period)
);
create index loan_installments_due on loan_installments (due_date);

-- What fell due: principal, interest and fees on the due date, penalty interest daily, a late fee once.
create table loan_charges (
  id text primary key,
  loan_id uuid not null references loans (id),
  period int not null,
  kind text not null check (kind in ('principal', 'interest', 'fee', 'penalty', 'late_fee')),
  amount bigint not null check (amount >= 0),
  charged_on date not null,
  created_at timestamptz not null
);
create index loan_charges_loan on loan_charges (loan_id, period);

create table loan_repayments (
  id uuid primary key,
  loan_id uuid not null references loans (id),
  kind text not null check (kind in ('auto_debit', 'manual', 'prepayment', 'payoff', 'recovery')),
  amount bigint not null check (amount >= 0),
  principal_prepaid bigint not null default 0,
  prepayment_interest bigint not null default 0,
  prepayment_fee bigint not null default 0,
  option text,
  business_date date not null,
  created_at timestamptz not null
);
create index loan_repayments_loan on loan_repayments (loan_id, created_at);
create unique index loan_repayments_auto on loan_repayments (loan_id, business_date) where kind = 'auto_debit';

-- How each payment was applied, and to whom: note holders, or the reserve that advanced it.
create table loan_allocations (
  repayment_id uuid not null references loan_repayments (id),
  loan_id uuid not null,
  period int not null,
  kind text not null check (kind in ('principal', 'interest', 'fee', 'penalty', 'late_fee')),
  owner text not null check (owner in ('investors', 'reserve', 'platform')),
  amount bigint not null check (amount > 0)
);
create index loan_allocations_loan on loan_allocations (loan_id, period);

create table loan_advances (
  loan_id uuid not null references loans (id),
  period int not null,
  principal bigint not null check (principal >= 0),
  interest bigint not null check (interest >= 0),
  shortfall bigint not null default 0 check (shortfall >= 0), -- what the reserve could not cover
  business_date date not null,
  created_at timestamptz not null,
  primary key (loan_id, period)
);

create table loan_write_offs (
  loan_id uuid primary key references loans (id),
  principal bigint not null,
  interest bigint not null,
  charges bigint not null,
  business_date date not null,
  created_at timestamptz not null
);

-- Each (loan, business date) that the lending day has processed: running a date again skips it.
create table loan_days (
  loan_id uuid not null,
  business_date date not null,
  primary key (loan_id, business_date)
);
create table lending_days (
  business_date date primary key,
  finished_at timestamptz not null,
  summary jsonb not null
);

create table loan_contracts (
  loan_id uuid primary key references loans (id),
  number text not null unique,
  terms jsonb not null,
  parties jsonb not null,
  digest text not null,
  signed_at timestamptz not null
);

-- The secondary market: a note (or part of one) for sale.
create table note_listings (
  id uuid primary key,
  note_id uuid not null references loan_notes (id),
  loan_id uuid not null,
  seller_id uuid not null,
  principal bigint not null check (principal > 0),
  discount_rate numeric(8, 6) not null,
  status text not null check (status in ('open', 'sold', 'withdrawn', 'cancelled')),
  reason text,
  buyer_id uuid,
  price bigint,
  accrued_interest bigint,
  seller_fee bigint,
  listed_on date not null,
  expires_on date not null,
  created_at timestamptz not null,
  closed_at timestamptz
);
create unique index note_listings_open on note_listings (note_id) where status = 'open';
create index note_listings_status on note_listings (status, created_at desc);
create index note_listings_seller on note_listings (seller_id, created_at desc);

create table auto_invest_rules (
  investor_id uuid primary key,
  enabled boolean not null,
  grades text[] not null,
  min_rate numeric(12, 6) not null,
  max_rate numeric(12, 6) not null,
  min_term int not null,
  max_term int not null,
  amount_per_loan bigint not null check (amount_per_loan > 0),
  keep_balance bigint not null check (keep_balance >= 0),
  max_per_borrower bigint not null check (max_per_borrower > 0),
  last_served_at timestamptz,
  updated_at timestamptz not null
);
