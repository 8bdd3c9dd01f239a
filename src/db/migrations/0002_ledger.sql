-- The double-entry ledger (src/ledger). Every balance in netfin lives in ledger_accounts; every money
-- movement is a row of ledger_transfers. Only the ledger writes these tables.

-- Timestamps: each batch takes one value from this sequence and numbers its events within it
-- (value * 65536 + slot), so timestamps are unique and increase in the order events are applied.
create sequence ledger_timestamp_block;

create table ledger_accounts (
  id text primary key,
  ledger text not null,                        -- the currency code: one ledger per currency
  code integer not null check (code between 1 and 65535),
  user_data text,
  flags integer not null,
  debits_pending bigint not null default 0 check (debits_pending >= 0),
  debits_posted bigint not null default 0 check (debits_posted >= 0),
  credits_pending bigint not null default 0 check (credits_pending >= 0),
  credits_posted bigint not null default 0 check (credits_posted >= 0),
  timestamp bigint not null unique,
  created_at timestamptz not null
);
create index ledger_accounts_user_data on ledger_accounts (user_data) where user_data is not null;

create table ledger_transfers (
  id text primary key,
  debit_account_id text not null,
  credit_account_id text not null,
  amount bigint not null check (amount >= 0),
  pending_id text,
  ledger text not null,
  code integer not null check (code between 1 and 65535),
  user_data text,
  flags integer not null,
  timeout_seconds integer not null default 0,
  timestamp bigint not null,
  created_at timestamptz not null
);
create index ledger_transfers_debit on ledger_transfers (debit_account_id, timestamp);
create index ledger_transfers_credit on ledger_transfers (credit_account_id, timestamp);

-- The state of each two-phase transfer. The pending transfer row itself never changes.
create table ledger_pending (
  transfer_id text primary key,
  debit_account_id text not null,
  credit_account_id text not null,
  amount bigint not null,
  flags integer not null,
  expires_at timestamptz,                       -- null: never expires
  state text not null check (state in ('pending', 'posted', 'voided', 'expired')),
  resolved_by text,                             -- the post or void transfer
  resolved_timestamp bigint                     -- when it was posted, voided or expired
);
create index ledger_pending_expiry on ledger_pending (expires_at) where state = 'pending' and expires_at is not null;
create index ledger_pending_expiry_debit on ledger_pending (debit_account_id, expires_at)
  where state = 'pending' and expires_at is not null;
create index ledger_pending_expiry_credit on ledger_pending (credit_account_id, expires_at)
  where state = 'pending' and expires_at is not null;

-- Balances after each transfer, for accounts with the history flag.
create table ledger_account_history (
  account_id text not null,
  timestamp bigint not null,
  transfer_id text not null,
  debits_pending bigint not null,
  debits_posted bigint not null,
  credits_pending bigint not null,
  credits_posted bigint not null,
  primary key (account_id, timestamp)
);
