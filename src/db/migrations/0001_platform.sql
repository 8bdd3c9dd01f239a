-- Platform-wide tables that belong to no single bounded context.

-- Idempotency-Key records: the first response to a POST is kept and replayed for the same key.
create table idempotency_keys (
  scope text not null,                -- whose key: the caller's principal, or 'anonymous'
  key text not null,
  request_hash text not null,         -- sha256 of method, path and body: the same key with another body is refused
  state text not null check (state in ('in_flight', 'completed')),
  locked_until timestamptz,           -- an in-flight claim lapses after this, so a crashed request can be retried
  response_status integer,
  response_body text,
  response_type text,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  primary key (scope, key)
);
create index idempotency_keys_created_at on idempotency_keys (created_at);
