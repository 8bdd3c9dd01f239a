-- CRM service inbox (src/crm/inbox, issue 20 "Service inbox"): one ticket per conversation on any
-- channel, its messages (the customer's, an agent's, internal notes), phone call logs, canned answers,
-- and what the adapters sent. Users and staff are named by id only; their data stays with identity.
create table crm_tickets (
  id uuid primary key,
  channel text not null check (channel in ('web_chat', 'phone', 'email', 'messenger')),
  user_id uuid,
  -- The e-mail address or messenger handle an adapter's conversation is with.
  external_address text,
  subject text,
  category text not null,
  priority text not null check (priority in ('A', 'B', 'C')),
  owner_id uuid,
  status text not null check (status in ('open', 'pending', 'resolved', 'closed')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  first_response_due timestamptz not null,
  resolution_due timestamptz not null,
  first_response_at timestamptz,
  first_responder_id uuid,
  resolved_at timestamptz,
  closed_at timestamptz,
  rating int check (rating between 1 and 5),
  rating_comment text,
  rated_at timestamptz
);
create index crm_tickets_queue on crm_tickets (priority, first_response_due) where status in ('open', 'pending');
create index crm_tickets_user on crm_tickets (user_id, created_at);
create index crm_tickets_address on crm_tickets (channel, external_address) where status in ('open', 'pending');
create index crm_tickets_created on crm_tickets (created_at);

create table crm_messages (
  id uuid primary key,
  ticket_id uuid not null references crm_tickets (id),
  author text not null check (author in ('customer', 'agent', 'note')),
  author_id uuid,
  body text not null,
  -- An adapter's own message id: the same inbound message twice is stored once.
  external_id text,
  created_at timestamptz not null
);
create index crm_messages_ticket on crm_messages (ticket_id, created_at, id);
create unique index crm_messages_external on crm_messages (external_id) where external_id is not null;

create table crm_call_logs (
  id uuid primary key,
  ticket_id uuid not null references crm_tickets (id),
  direction text not null check (direction in ('inbound', 'outbound')),
  duration_seconds int not null check (duration_seconds >= 0),
  summary text not null,
  logged_by uuid,
  created_at timestamptz not null
);
create index crm_call_logs_ticket on crm_call_logs (ticket_id);

create table crm_canned_answers (
  id uuid primary key,
  title text not null,
  body_en text not null,
  body_zh text not null,
  category text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  deleted_at timestamptz
);

-- What an adapter sent out (the simulated adapters' record; a real one would also hand it on).
create table crm_adapter_sent (
  id uuid primary key,
  adapter text not null,
  ticket_id uuid not null references crm_tickets (id),
  message_id uuid not null references crm_messages (id),
  to_address text not null,
  body text not null,
  sent_at timestamptz not null
);
create index crm_adapter_sent_ticket on crm_adapter_sent (ticket_id);

-- The inbox's settings (categories, SLA minutes per priority, the warning share): one JSON document.
create table crm_inbox_settings (
  id boolean primary key default true check (id),
  settings jsonb not null,
  updated_at timestamptz not null,
  updated_by text not null
);
