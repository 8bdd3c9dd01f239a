-- Identity (src/identity/suitability.ts): investor suitability.
-- The risk questionnaire's result (C1-C5), valid until expires_on.
create table investor_assessments (
  user_id uuid primary key,
  level smallint not null check (level between 1 and 5),
  score int not null,
  answers jsonb not null,
  assessed_at timestamptz not null,
  expires_on date not null
);

