-- Watch lists and name screening (issue 21). See docs/compliance.md.

-- A watch list, named by compliance; each upload of its CSV is a new version, and the latest
-- version is the one in force. Earlier versions stay readable.
create table screening_lists (
  id uuid primary key,
  name text not null unique,
  current_version integer not null check (current_version > 0),
  created_at timestamptz not null,
  updated_at timestamptz not null
);

-- One upload. rescreen_after is the last customer id the re-screen of all verified customers has
-- reached (null: not started); rescreened_at is set when it has reached the end. A manual re-screen
-- of everything starts the current versions' cursors again, with rescreen_trigger 'rescreen'.
create table screening_list_versions (
  id uuid primary key,
  list_id uuid not null references screening_lists (id),
  version integer not null check (version > 0),
  entry_count integer not null check (entry_count >= 0),
  uploaded_by text not null,
  uploaded_at timestamptz not null,
  rescreen_after uuid,
  rescreened_at timestamptz,
  rescreen_trigger text not null default 'list_upload' check (rescreen_trigger in ('list_upload', 'rescreen')),
  unique (list_id, version)
);
create index screening_list_versions_pending on screening_list_versions (uploaded_at) where rescreened_at is null;

-- An entry of a version. entry_key identifies the listed person across versions (list, normalised
-- name, identity number, birth date), so that a re-upload of the same person does not open a second
-- match. The identity number is kept as the vault's lookup hash (to compare with customers') and
-- masked for display. forms are the normalised name forms compared; block_keys the blocking keys.
create table screening_entries (
  id uuid primary key,
  version_id uuid not null references screening_list_versions (id),
  list_id uuid not null references screening_lists (id),
  line integer not null,
  entry_key text not null,
  name text not null,
  aliases text[] not null,
  id_number_hash text,
  id_number_masked text,
  birth_date date,
  source text,
  reason text,
  forms jsonb not null,
  block_keys text[] not null,
  unique (version_id, entry_key)
);
create index screening_entries_version on screening_entries (version_id, line);
create index screening_entries_blocks on screening_entries using gin (block_keys);
create index screening_entries_id_hash on screening_entries (id_number_hash) where id_number_hash is not null;

-- A candidate match of a customer with a listed person: one per (customer, list, entry_key), so that
-- re-screening never duplicates one and a decided false positive is not reopened by the same entry.
create table screening_matches (
  id uuid primary key,
  user_id uuid not null,
  list_id uuid not null references screening_lists (id),
  entry_key text not null,
  entry_id uuid not null references screening_entries (id),
  score numeric(5, 4) not null check (score >= 0 and score <= 1),
  why jsonb not null,
  trigger text not null check (trigger in ('kyc', 'list_upload', 'rescreen')),
  status text not null check (status in ('open', 'confirmed', 'false_positive')),
  decision_reason text,
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz not null,
  unique (user_id, list_id, entry_key)
);
create index screening_matches_status on screening_matches (status, created_at);

-- The matching threshold, stored so that compliance can change it (one row).
create table screening_settings (
  id boolean primary key default true check (id),
  threshold numeric(4, 3) not null check (threshold > 0 and threshold <= 1),
  updated_by text,
  updated_at timestamptz
);
insert into screening_settings (id, threshold) values (true, 0.880);
