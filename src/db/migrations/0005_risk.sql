-- Risk control (src/risk): decision graphs and scorecard models as versions, the decision log,
-- cached data-source responses, settings (challenger split, caps) and the manual review queue.

create table risk_graphs (
  id uuid primary key,
  name text not null,
  version integer not null,
  status text not null check (status in ('draft', 'published', 'retired')),
  content jsonb not null,
  description text,
  created_by text not null,
  created_at timestamptz not null,
  published_by text,
  published_at timestamptz,
  retired_at timestamptz,
  unique (name, version)
);
create index risk_graphs_published on risk_graphs (name, version desc) where status = 'published';

create table risk_models (
  id uuid primary key,
  name text not null,
  version integer not null,
  model jsonb not null,
  metrics jsonb,
  created_by text not null,
  created_at timestamptz not null,
  unique (name, version)
);

create table risk_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null,
  updated_by text not null
);

create table risk_source_cache (
  source text not null,
  subject text not null,                       -- a keyed hash of the applicant's identity number
  response jsonb not null,
  fetched_at timestamptz not null,
  primary key (source, subject)
);

create table risk_decisions (
  id uuid primary key,
  applicant_id uuid,
  subject text,
  input jsonb not null,                        -- the application and the facts gathered for it
  sources jsonb not null,                      -- each data source's recorded response
  graph_id uuid not null,
  graph_name text not null,
  graph_version integer not null,
  model_id uuid,
  model_version integer,
  variant text not null check (variant in ('champion', 'challenger', 'simulation')),
  outcome text not null check (outcome in ('approve', 'refer', 'decline')),
  grade text,
  score integer,
  annual_rate numeric(10, 6),
  amount bigint,
  reasons text[] not null,
  result jsonb not null,                       -- the whole decision as returned
  trace jsonb,
  created_at timestamptz not null,
  business_date date not null
);
create index risk_decisions_applicant on risk_decisions (applicant_id, created_at desc);
create index risk_decisions_created on risk_decisions (created_at desc);
create index risk_decisions_device on risk_decisions ((input -> 'application' ->> 'device'), created_at desc);
create index risk_decisions_ip on risk_decisions ((input -> 'application' ->> 'ip'), created_at desc);

create table risk_reviews (
  decision_id uuid primary key references risk_decisions (id),
  status text not null check (status in ('open', 'info_requested', 'approved', 'declined')),
  amount bigint not null,
  needs_two boolean not null,
  first_approver text,
  first_amount bigint,
  first_rate numeric(10, 6),
  final_amount bigint,
  final_rate numeric(10, 6),
  decided_by text,
  reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index risk_reviews_open on risk_reviews (created_at) where status in ('open', 'info_requested');

create table risk_review_actions (
  id uuid primary key,
  decision_id uuid not null references risk_decisions (id),
  actor text not null,
  action text not null,
  details jsonb,
  at timestamptz not null
);
create index risk_review_actions_decision on risk_review_actions (decision_id, at);
