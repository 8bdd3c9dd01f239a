-- The business date and the day-close batch (src/batch), and the collections department (src/collections).

-- The date the platform is open for business: one row, advanced only by a finished day-close.
create table business_calendar (
  id boolean primary key default true check (id),
  business_date date not null,
  updated_at timestamptz not null
);

-- One row per business date being closed or closed.
create table batch_runs (
  business_date date primary key,
  status text not null check (status in ('running', 'done')),
  workers int not null default 1,
  started_at timestamptz not null,
  finished_at timestamptz,
  last_error text
);

-- Each registered step of a run, in its declared position. 'planned': its chunks are written.
create table batch_steps (
  business_date date not null references batch_runs (business_date),
  step text not null,
  position int not null,
  owner text not null,
  status text not null check (status in ('pending', 'planned', 'done')),
  chunks int not null default 0,
  rows bigint not null default 0,
  started_at timestamptz,
  finished_at timestamptz,
  primary key (business_date, step)
);

-- The work table the workers share: a chunk is claimed with FOR UPDATE SKIP LOCKED and a lease, and
-- is marked done in the same transaction as the work it did, so it is done exactly once.
create table batch_chunks (
  business_date date not null,
  step text not null,
  partition int not null,
  bounds jsonb not null,
  status text not null check (status in ('pending', 'done')),
  claimed_by text,
  lease_until timestamptz,
  attempts int not null default 0,
  rows bigint,
  ms int,
  done_by text,
  finished_at timestamptz,
  primary key (business_date, step, partition),
  foreign key (business_date, step) references batch_steps (business_date, step)
);
create index batch_chunks_pending on batch_chunks (business_date, step, partition) where status = 'pending';

-- Daily snapshots for dashboards, one row per (date, metric, dimension).
create table daily_snapshots (
  business_date date not null,
  metric text not null,
  dimension text not null default '',
  value numeric(30, 6) not null,
  primary key (business_date, metric, dimension)
);

-- Lending: each active loan's delinquency as of the last day-close (set by the ageing step).
alter table loans add column dpd int not null default 0;
alter table loans add column aged_on date;
alter table loans add column overdue_amount bigint not null default 0;
create index loans_overdue on loans (id) where dpd > 0;

-- Identity: the people a borrower registered as contacts (collections may call only them).
create table user_contacts (
  id uuid primary key,
  user_id uuid not null references users (id),
  name text not null,
  relation text not null check (relation in ('spouse', 'parent', 'child', 'sibling', 'friend', 'colleague', 'other')),
  phone_encrypted text not null,
  phone_masked text not null,
  created_at timestamptz not null
);
create index user_contacts_user on user_contacts (user_id);

-- Collections: staff who collect, their tier (which stages they work) and region.
create table collectors (
  user_id uuid primary key,
  tier text not null check (tier in ('junior', 'senior', 'agency', 'legal')),
  region text,
  active boolean not null default true,
  created_at timestamptz not null
);

create table collection_cases (
  id uuid primary key,
  loan_id uuid not null,
  borrower_id uuid not null,
  product_id text not null,
  region text,
  stage text not null check (stage in ('M1', 'M2', 'M3', 'M3+')),
  dpd int not null,
  overdue_amount bigint not null,
  broken_promises int not null default 0,
  assigned_to uuid,
  assigned_on date,
  status text not null check (status in ('open', 'closed')),
  close_reason text,
  opened_on date not null,
  updated_on date not null,
  closed_on date,
  max_stage text not null
);
create unique index collection_cases_open_loan on collection_cases (loan_id) where status = 'open';
create index collection_cases_queue on collection_cases (assigned_to, status);

create table collection_contacts (
  id uuid primary key,
  case_id uuid not null references collection_cases (id),
  borrower_id uuid not null,
  collector_id uuid,
  channel text not null check (channel in ('phone', 'sms', 'letter', 'visit')),
  party text not null,
  template text,
  outcome text not null check (outcome in ('promise_to_pay', 'paid', 'no_answer', 'wrong_number', 'refused', 'dispute', 'sent')),
  note text,
  business_date date not null,
  at timestamptz not null
);
create index collection_contacts_case on collection_contacts (case_id, at);
create index collection_contacts_borrower on collection_contacts (borrower_id, business_date);

create table collection_promises (
  id uuid primary key,
  case_id uuid not null references collection_cases (id),
  contact_id uuid not null references collection_contacts (id),
  amount bigint not null check (amount > 0),
  promised_on date not null,
  made_on date not null,
  status text not null check (status in ('pending', 'kept', 'broken')),
  resolved_on date
);
create index collection_promises_pending on collection_promises (promised_on) where status = 'pending';

-- Reminders before a due date, sent once per (loan, due date, days before).
create table collection_reminders (
  loan_id uuid not null,
  due_date date not null,
  days_before int not null,
  borrower_id uuid not null,
  sent_on date not null,
  primary key (loan_id, due_date, days_before)
);

-- Stage movements, for roll rates: one row per case and date its stage changed (or it closed).
create table collection_stage_history (
  case_id uuid not null references collection_cases (id),
  business_date date not null,
  from_stage text,
  to_stage text not null,
  overdue_amount bigint not null,
  primary key (case_id, business_date)
);

-- Lending: the next due date not yet charged (null: not yet aged), so that a day touches only loans with work.
alter table loans add column next_due_on date;

-- Collections settings (strategy per stage, assignment rule, conduct rules, SMS templates): one JSON document.
create table collection_settings (
  id boolean primary key default true check (id),
  settings jsonb not null,
  updated_at timestamptz not null,
  updated_by text not null
);
