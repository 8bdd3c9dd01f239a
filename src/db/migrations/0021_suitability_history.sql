-- Identity (src/identity/suitability.ts), issue 18: suitability that holds. See docs/wealth-suitability.md.

-- The current assessment gains the lowest-risk-tolerance sub-class of C1 and the business date it
-- was taken on (the retake interval counts business days from it).
alter table investor_assessments add column lowest boolean not null default false;
alter table investor_assessments add column assessed_on date;
update investor_assessments set assessed_on = expires_on - 730 where assessed_on is null;
alter table investor_assessments alter column assessed_on set not null;
alter table investor_assessments add constraint investor_assessments_lowest_is_c1 check (not lowest or level = 1);

-- Every assessment ever taken, append-only; investor_assessments keeps the current one. A change of
-- more than one class step from the previous assessment is flagged here (and audited).
create table investor_assessment_history (
  id uuid primary key,
  user_id uuid not null,
  level smallint not null check (level between 1 and 5),
  lowest boolean not null,
  score int not null,
  answers jsonb not null,
  assessed_at timestamptz not null,
  assessed_on date not null,
  previous_level smallint check (previous_level between 1 and 5),
  previous_lowest boolean,
  flagged boolean not null,
  check (not lowest or level = 1)
);
create index investor_assessment_history_user on investor_assessment_history (user_id, assessed_at desc);

-- An investor's acknowledgement of the warning shown before buying a product above their class: the
-- exact text shown, in the language it was shown in, and when. Written in the purchase's transaction.
create table suitability_acknowledgements (
  id uuid primary key,
  user_id uuid not null,
  product_ref text not null check (length(product_ref) <= 200),
  investor_level smallint not null check (investor_level between 1 and 5),
  product_level smallint not null check (product_level between 1 and 5),
  language text not null check (language in ('zh', 'en')),
  text_shown text not null,
  acknowledged_at timestamptz not null
);
create index suitability_acknowledgements_user on suitability_acknowledgements (user_id, acknowledged_at desc);
