-- Compliance, first part (issue 21): contract digests that name their algorithm, and the audit log
-- as a hash chain. See docs/compliance.md.

-- Contracts signed before this migration were digested over JSON in source-code key order. They keep
-- the digest they were signed with, labelled with that algorithm; new ones are 'sha256-jcs' (SHA-256
-- over the RFC 8785 canonical form), written by lending.
alter table loan_contracts add column digest_algorithm text not null default 'sha256-json-source-order';
alter table loan_contracts alter column digest_algorithm drop default;

-- Each audit record carries its place in the one chain, the hash of the record before it, and its
-- own hash over a canonical form of its content and that previous hash (identity/audit-chain.ts).
-- Records written before this migration stay outside the chain (their columns are null); the head
-- row counts them, so that verify notices one more or one fewer.
alter table audit_log
  add column chain_position bigint,
  add column prev_hash text,
  add column hash text;
create unique index audit_log_chain_position on audit_log (chain_position);

-- The chain's head: one row, locked FOR UPDATE by every append, which is what serialises the
-- appends of concurrent transactions into one order.
create table audit_chain_head (
  singleton boolean primary key default true check (singleton),
  position bigint not null,
  hash text not null,
  unchained_rows bigint not null
);
insert into audit_chain_head (position, hash, unchained_rows)
select 0, repeat('0', 64), count(*) from audit_log;

create function audit_log_must_be_chained() returns trigger language plpgsql as $$
begin
  if new.chain_position is null or new.prev_hash is null or new.hash is null then
    raise exception 'an audit record must be written into the chain' using errcode = 'P0001';
  end if;
  return new;
end;
$$;
create trigger audit_log_chained before insert on audit_log
  for each row execute function audit_log_must_be_chained();

-- The audit chain's head as each business day closed (a day-close step of compliance): a published
-- or copied-out head lets a later verify tell whether the chain was rewritten from there on.
create table compliance_chain_heads (
  business_date date primary key,
  chain_position bigint not null,
  hash text not null,
  recorded_at timestamptz not null
);
