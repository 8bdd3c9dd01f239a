-- Data protection: retention, consent records, data exports (issue 21). See docs/compliance.md.

-- Identity (additive): when an account was closed, and when its personal data was anonymised.
-- Closing sets status 'disabled' and closed_at; retention anonymises it years later.
alter table users add column closed_at timestamptz;
alter table users add column anonymised_at timestamptz;
create index users_closed on users (closed_at) where status = 'disabled' and anonymised_at is null;

-- Identity (additive): a sent notification whose text retention has removed. The body is replaced by
-- an encrypted empty text (readers still decrypt it); this column makes the step idempotent.
alter table notification_outbox add column body_removed_at timestamptz;

-- Risk (additive): a decision whose raw data-source responses retention has removed. The outcome,
-- grade, score, features and reasons stay; the responses, the copies of them in the input and the
-- trace go.
alter table risk_decisions add column sources_removed_at timestamptz;

-- Compliance: how long each kind of data is kept, and what happens to it then.
create table privacy_retention_rules (
  kind text primary key,
  action text not null check (action in ('delete', 'anonymise', 'blank', 'strip')),
  after_days integer not null check (after_days between 1 and 36500),
  enabled boolean not null default true,
  updated_at timestamptz not null,
  updated_by text not null
);
insert into privacy_retention_rules (kind, action, after_days, updated_at, updated_by) values
  ('sessions', 'delete', 90, now(), 'migration'),
  ('sms_codes', 'delete', 30, now(), 'migration'),
  ('notification_bodies', 'blank', 180, now(), 'migration'),
  ('risk_source_cache', 'delete', 30, now(), 'migration'),
  ('risk_source_responses', 'strip', 1095, now(), 'migration'),
  ('closed_accounts', 'anonymise', 1825, now(), 'migration'),
  ('data_exports', 'delete', 7, now(), 'migration');

-- Each application of a rule: by the day-close step or by staff catching up.
create table privacy_retention_runs (
  id uuid primary key,
  business_date date not null,
  kind text not null,
  action text not null,
  after_days integer not null,
  rows_affected bigint not null,
  trigger text not null check (trigger in ('day_close', 'manual')),
  ran_by text not null,
  ran_at timestamptz not null
);
create index privacy_retention_runs_date on privacy_retention_runs (business_date desc, kind);

-- Consent records: every grant or withdrawal is a new row; the latest per purpose is in force.
create table privacy_consents (
  id uuid primary key,
  user_id uuid not null,
  purpose text not null,
  granted boolean not null,
  text_version text not null,
  source text not null check (source in ('settings', 'loan_application', 'line_application', 'staff')),
  actor_id text not null,
  ip text,
  user_agent text,
  recorded_at timestamptz not null
);
create index privacy_consents_latest on privacy_consents (user_id, purpose, recorded_at desc, id desc);

-- A user's data export, built at request and kept until it expires (retention deletes it then).
create table privacy_data_exports (
  id uuid primary key,
  user_id uuid not null,
  requested_by text not null,
  document jsonb not null,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index privacy_data_exports_user on privacy_data_exports (user_id, created_at desc);
create index privacy_data_exports_expiry on privacy_data_exports (expires_at);
