-- Anti-money-laundering rules, alerts and cases (issue 21). See docs/compliance.md.

-- Rule sets: a ZEN decision graph (JDM) whose decision table holds the rules and their thresholds.
-- Versioned like the risk graphs: a draft is edited, publishing validates and freezes it, the newest
-- published version is in force; a newer one retires the one before.
create table aml_rule_sets (
  id uuid primary key,
  version integer not null unique,
  status text not null check (status in ('draft', 'published', 'retired')),
  content jsonb not null,
  description text,
  created_by text not null,
  created_at timestamptz not null,
  published_by text,
  published_at timestamptz,
  retired_at timestamptz
);
create index aml_rule_sets_published on aml_rule_sets (version desc) where status = 'published';

-- A customer's case: the alerts of one customer gather in the case open for them.
create table aml_cases (
  id uuid primary key,
  customer_id uuid not null,
  status text not null check (status in ('open', 'monitoring', 'dismissed', 'reported')),
  assigned_to text,
  portrait jsonb not null,                     -- the customer as the case opened (masked)
  decision text check (decision in ('dismiss', 'monitor', 'report')),
  decision_reason text,
  decided_by text,
  decided_at timestamptz,
  -- A report needs two officers: who proposed it, and who approved it (someone else).
  report_proposed_by text,
  report_proposed_at timestamptz,
  report_reason text,
  report_approved_by text,
  report_approved_at timestamptz,
  opened_at timestamptz not null,
  updated_at timestamptz not null
);
create index aml_cases_status on aml_cases (status, opened_at desc);
-- At most one case in work per customer: new alerts join it.
create unique index aml_cases_one_open on aml_cases (customer_id) where status in ('open', 'monitoring');

-- An alert: one rule firing for one customer over one window. The unique key makes a scan idempotent.
create table aml_alerts (
  id uuid primary key,
  rule_code text not null,
  -- The rule set whose rule fired; null for an alert raised elsewhere (a confirmed watch-list match).
  rule_set_id uuid references aml_rule_sets (id),
  rule_set_version integer,
  customer_id uuid not null,
  business_date date not null,                 -- the date scanned when the rule fired
  window_key text not null,                    -- the window or identifier the alert is about
  facts jsonb not null,
  evidence jsonb not null,                     -- the transactions and the accounts sharing identifiers
  case_id uuid not null references aml_cases (id),
  created_at timestamptz not null,
  unique (rule_code, customer_id, window_key)
);
create index aml_alerts_case on aml_alerts (case_id);
create index aml_alerts_created on aml_alerts (created_at desc);

-- Officers' notes on a case: append-only.
create table aml_case_notes (
  id uuid primary key,
  case_id uuid not null references aml_cases (id),
  author text not null,
  body text not null,
  created_at timestamptz not null
);
create index aml_case_notes_case on aml_case_notes (case_id, created_at);

create function aml_case_notes_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'case notes are append-only' using errcode = 'P0001';
end;
$$;
create trigger aml_case_notes_no_change before update or delete on aml_case_notes
  for each row execute function aml_case_notes_append_only();
