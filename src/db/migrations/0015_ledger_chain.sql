-- The ledger's transfers as a hash chain (issue 21). See docs/compliance.md and src/ledger/chain.ts.
--
-- Each batch the ledger writes (one timestamp block: nextval(ledger_timestamp_block) * 65536) leaves,
-- in the transaction that inserts its transfers, one row in ledger_chain_pending: how many transfers
-- it wrote and a digest over them. Taking no lock there keeps concurrent batches concurrent. A
-- sealer (Ledger.sealChain, run by day-close and by verify) later appends the committed pending rows
-- to ledger_chain under the one head row's lock, each record linked to the one before it.

-- The canonical text counts lengths in UTF-8 bytes; with the database in UTF-8 that is octet_length.
do $$
begin
  if current_setting('server_encoding') <> 'UTF8' then
    raise exception 'netfin needs a UTF8 database (this one is %)', current_setting('server_encoding');
  end if;
end;
$$;

-- One field of a transfer's canonical text: its length in UTF-8 bytes, a colon and the text, or a
-- lone '-' for null. The length prefix lets any character appear in a value without ambiguity.
-- Both functions are STABLE, as their bodies are, so that PostgreSQL can inline them into a query;
-- declared IMMUTABLE they would be called per row, many times slower.
create function ledger_chain_field(value text) returns text
  language sql stable parallel safe
  as $$ select case when value is null then '-' else octet_length(value)::text || ':' || value end $$;

-- A transfer's leaf: SHA-256 over the UTF-8 bytes of its fields in column order, numbers as decimal
-- text, the timestamp as its slot in its block (timestamp mod 65536; the chain record binds the
-- block) and created_at as microseconds since the Unix epoch. src/ledger/chain.ts computes the same
-- bytes in JavaScript: the writer hashes there, verify too; this function serves the digest of the
-- transfers written before this migration, below, and lets anyone check a leaf from SQL.
create function ledger_transfer_leaf(
  id text, debit_account_id text, credit_account_id text, amount bigint, pending_id text, ledger text,
  code integer, user_data text, flags integer, timeout_seconds integer, ts bigint, created_at timestamptz
) returns bytea
  language sql stable parallel safe
  as $$ select sha256(convert_to(
    ledger_chain_field(id) || ledger_chain_field(debit_account_id) || ledger_chain_field(credit_account_id)
    || ledger_chain_field(amount::text) || ledger_chain_field(pending_id) || ledger_chain_field(ledger)
    || ledger_chain_field(code::text) || ledger_chain_field(user_data) || ledger_chain_field(flags::text)
    || ledger_chain_field(timeout_seconds::text) || ledger_chain_field((ts % 65536)::text)
    || ledger_chain_field(((extract(epoch from created_at) * 1000000)::bigint)::text), 'UTF8')) $$;

-- A batch's transfers, written but not yet sealed. digest = SHA-256 over the concatenated 32-byte
-- leaves in timestamp order; leaves = the first 8 bytes of each leaf, in the same order, so that
-- verify can name the transfer that no longer matches.
create table ledger_chain_pending (
  block bigint primary key,
  transfers integer not null,
  digest bytea not null,
  leaves bytea not null
);

-- The sealed chain: one record per batch, in the order they were sealed.
create table ledger_chain (
  position bigint primary key,
  block bigint not null unique,
  transfers integer not null,
  digest bytea not null,
  leaves bytea not null,
  prev_hash text not null,
  hash text not null,
  sealed_at timestamptz not null
);

-- The chain's head, locked by the sealer. Transfers written before this migration stay outside the
-- chain (timestamp < chain_begins): their count and a digest over their timestamps (8 bytes each,
-- big-endian) and leaves are kept here, so that verify notices one edited, added or removed.
create table ledger_chain_head (
  singleton boolean primary key default true check (singleton),
  position bigint not null,
  hash text not null,
  chain_begins bigint not null,
  unchained_rows bigint not null,
  unchained_digest bytea not null
);
insert into ledger_chain_head (position, hash, chain_begins, unchained_rows, unchained_digest)
select 0, repeat('0', 64), coalesce(max(ts) + 1, 0), count(*),
       sha256(coalesce(string_agg(int8send(ts) || leaf, ''::bytea order by ts), ''::bytea))
from (select timestamp as ts, ledger_transfer_leaf(id, debit_account_id, credit_account_id, amount, pending_id, ledger, code,
                                                      user_data, flags, timeout_seconds, timestamp, created_at) as leaf
      from ledger_transfers) as t;

-- Verify reads the transfers by timestamp range. A BRIN index finds the ranges at almost no cost to
-- the writers (it is summarised a page range at a time, not touched per row like a B-tree).
create index ledger_transfers_timestamp_brin on ledger_transfers using brin (timestamp) with (autosummarize = on);

-- The ledger chain's head as each business day closed, beside the audit chain's (null for days
-- closed before this migration).
alter table compliance_chain_heads
  add column ledger_position bigint,
  add column ledger_hash text;
