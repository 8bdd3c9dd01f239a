-- CRM portraits, tags and ABC classes (issue 20, src/crm, crm1): what the day-close's crm.portraits
-- step (980) and crm.classes step (981) write, the rule sets and staff tags they read, and the
-- relationship managers of A customers. Amounts are integer cents (CNY).

-- Settings operations change (crm:manage): the AUM bands and the class rules, one JSON value each.
create table crm_settings (
  key text primary key check (key in ('aum_bands', 'class_rules')),
  value jsonb not null,
  updated_by text not null,
  updated_at timestamptz not null
);

-- One row per customer as of the last close. The scalar columns are what lists filter and rank on;
-- `data` holds the portrait's sections (habits, borrowing, payments, ...), amounts as strings of cents.
create table crm_portraits (
  user_id uuid primary key,
  as_of date not null,
  aum bigint not null,
  aum_band text not null,
  contribution bigint not null,
  worst_dpd int not null default 0 check (worst_dpd >= 0),
  class text check (class in ('A', 'B', 'C')),
  class_reason text,
  class_since date,
  rule_tags text[] not null default '{}',
  data jsonb not null,
  computed_at timestamptz not null
);
create index crm_portraits_class on crm_portraits (class, user_id);
create index crm_portraits_contribution on crm_portraits (contribution desc, user_id);

-- Tag rules: versions of a ZEN decision table (hit policy collect; each matching row names a tag).
-- The newest version is in force; older ones are kept as they were.
create table crm_tag_rule_sets (
  id uuid primary key,
  version int not null unique,
  content jsonb not null,
  description text,
  created_by text not null,
  created_at timestamptz not null
);

-- Tags staff put on a customer: who added and when, who removed and when (a removed tag stays here).
create table crm_staff_tags (
  id uuid primary key,
  user_id uuid not null,
  tag text not null check (tag ~ '^[a-z0-9_-]{1,40}$'),
  added_by text not null,
  added_at timestamptz not null,
  removed_by text,
  removed_at timestamptz
);
create unique index crm_staff_tags_live on crm_staff_tags (user_id, tag) where removed_at is null;
create index crm_staff_tags_tag on crm_staff_tags (tag, user_id) where removed_at is null;

-- Every class change, the first classing included (from null), with its reason: the class history.
create table crm_class_changes (
  id uuid primary key,
  user_id uuid not null,
  from_class text check (from_class in ('A', 'B', 'C')),
  to_class text not null check (to_class in ('A', 'B', 'C')),
  -- top_contribution, assets, next_contribution or rest; the figures it was decided on in detail.
  reason text not null,
  detail jsonb not null default '{}',
  business_date date not null,
  created_at timestamptz not null
);
create index crm_class_changes_user on crm_class_changes (user_id, business_date);

-- The relationship manager (a staff user) of a customer, assigned by crm:manage.
create table crm_managers (
  user_id uuid primary key,
  manager_id uuid not null,
  assigned_by text not null,
  assigned_at timestamptz not null
);
