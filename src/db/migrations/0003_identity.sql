-- Identity and access (src/identity): users, roles, sessions, one-time codes, real-name verification,
-- bank cards, the notification outbox and the audit log. Personal data is stored encrypted (*_enc,
-- AES-256-GCM) with a keyed hash (*_hash) for lookups; never in clear.

create table users (
  id uuid primary key,
  phone_hash text not null unique,
  phone_enc text not null,
  password_hash text not null,
  display_name text,
  status text not null default 'active' check (status in ('active', 'disabled')),
  failed_sign_ins integer not null default 0,
  locked_until timestamptz,
  kyc_level smallint not null default 0,       -- 0 unverified, 1 real name verified, 2 and a bank card verified
  real_name_enc text,
  id_number_enc text,
  id_number_hash text unique,                  -- one identity, one account
  birth_date date,
  sex text,
  region_code text,
  kyc_verified_at timestamptz,
  payment_password_hash text,
  payment_failed_attempts integer not null default 0,
  payment_locked_until timestamptz,
  created_at timestamptz not null,
  is_staff boolean not null default false
);

create table user_roles (
  user_id uuid not null references users (id),
  role text not null,
  granted_at timestamptz not null,
  granted_by text not null,
  primary key (user_id, role)
);

create table sessions (
  id text primary key,                         -- sha256 of the token: the token itself is never stored
  user_id uuid not null references users (id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  last_seen_at timestamptz not null,
  revoked_at timestamptz,
  ip text,
  user_agent text
);
create index sessions_user on sessions (user_id, created_at desc);

create table sms_codes (
  id uuid primary key,
  phone_hash text not null,
  purpose text not null,
  subject text,                                -- what the code confirms (a card id, a payment id), if anything
  code_hash text not null,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  consumed_at timestamptz,
  ip text,
  created_at timestamptz not null
);
create index sms_codes_phone on sms_codes (phone_hash, created_at desc);
create index sms_codes_ip on sms_codes (ip, created_at desc);

create table notification_outbox (
  id uuid primary key,
  channel text not null check (channel in ('sms', 'email', 'push')),
  recipient_hash text not null,
  recipient_enc text not null,
  template text not null,
  body_enc text not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  created_at timestamptz not null,
  sent_at timestamptz
);
create index notification_outbox_pending on notification_outbox (created_at) where status = 'pending';
create index notification_outbox_recipient on notification_outbox (recipient_hash, created_at desc);

create table bank_cards (
  id uuid primary key,
  user_id uuid not null references users (id),
  card_hash text not null,
  card_enc text not null,
  last4 text not null,
  bank_code text not null,
  reserved_phone_enc text not null,
  status text not null check (status in ('pending_verification', 'active', 'unbound')),
  is_default boolean not null default false,
  created_at timestamptz not null,
  verified_at timestamptz,
  unbound_at timestamptz
);
create unique index bank_cards_one_owner on bank_cards (card_hash) where status = 'active';
create index bank_cards_user on bank_cards (user_id, created_at);

-- Append-only: who did what, when, from where, with the state before and after.
create table audit_log (
  id uuid primary key,
  at timestamptz not null,
  actor_id text not null,                      -- a user id, 'admin-token', 'system' or 'anonymous'
  actor_roles text[] not null,
  action text not null,
  subject_type text,
  subject_id text,
  ip text,
  before jsonb,
  after jsonb,
  details jsonb
);
create index audit_log_at on audit_log (at desc);
create index audit_log_subject on audit_log (subject_type, subject_id, at desc);
create index audit_log_actor on audit_log (actor_id, at desc);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only' using errcode = 'P0001';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_is_append_only();
