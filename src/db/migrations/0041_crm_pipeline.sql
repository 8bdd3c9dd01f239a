-- CRM pipeline (src/crm/pipeline, issue 20): prospects by intent stage, every stage change, and the
-- follow-up tasks the stages create. Users are named by id only; their data stays with identity.
create table crm_prospects (
  id uuid primary key,
  user_id uuid not null,
  owner_id uuid not null,
  stage text not null check (stage in ('interested', 'hesitating', 'not_now', 'definitely_not', 'left')),
  product_interest text,
  expected_on date,
  reason_code text,
  reason_text text,
  entered_at timestamptz not null,
  updated_at timestamptz not null
);
-- One prospect per user while in the pipeline; after leaving it a user may enter it again.
create unique index crm_prospects_user_in_pipeline on crm_prospects (user_id) where stage <> 'left';
create index crm_prospects_owner on crm_prospects (owner_id, stage);

-- Who moved a prospect, when, from where to where and why. from_stage is null on entering the pipeline.
create table crm_stage_changes (
  id uuid primary key,
  prospect_id uuid not null references crm_prospects (id),
  from_stage text,
  to_stage text not null,
  changed_by text not null,
  changed_at timestamptz not null,
  business_date date not null,
  note text,
  reason_code text,
  reason_text text,
  expected_on date,
  product_interest text
);
create index crm_stage_changes_prospect on crm_stage_changes (prospect_id, changed_at);
create index crm_stage_changes_reasons on crm_stage_changes (business_date) where to_stage = 'definitely_not';

create table crm_tasks (
  id uuid primary key,
  prospect_id uuid not null references crm_prospects (id),
  stage_change_id uuid references crm_stage_changes (id),
  owner_id uuid not null,
  kind text not null check (kind in ('follow_up', 'nurture', 'check_in')),
  due_on date not null,
  due_at timestamptz not null,
  notes text,
  suggestions jsonb not null default '[]',
  status text not null check (status in ('open', 'done', 'cancelled')),
  outcome text,
  created_at timestamptz not null,
  closed_at timestamptz,
  closed_by text
);
create index crm_tasks_owner_open on crm_tasks (owner_id, due_at) where status = 'open';
create index crm_tasks_prospect on crm_tasks (prospect_id, due_at);

-- The pipeline's settings (content suggestions per stage, "definitely not" reasons, product interests): one JSON document.
create table crm_pipeline_settings (
  id boolean primary key default true check (id),
  settings jsonb not null,
  updated_at timestamptz not null,
  updated_by text not null
);
