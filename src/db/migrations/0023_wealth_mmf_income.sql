-- The money-market fund's daily income (issue 18, docs/wealth-mmf-income.md). Operations enter the
-- income per 10,000 units (万份收益) of every calendar day; day-close credits each holder
-- floor(units × per10k ÷ 10,000) to the cent as new units. The units and the income credited live in
-- the ledger only (income → holding transfers); these tables keep the entries and, per day and per
-- chunk of holdings, what the crediting found, so that a day reconciles to the cent:
-- Σ holders' income (distributed) + undistributed = the fund's income.

create table wealth_mmf_income (
  product_id uuid not null references wealth_products (id),
  date date not null,
  -- Income per 10,000 units, four decimals (0.6543 means 0.6543 CNY per 10,000.00 CNY held).
  per10k numeric(6, 4) not null check (per10k >= 0 and per10k < 100),
  entered_by uuid,
  entered_at timestamptz not null,
  updated_by uuid,
  updated_at timestamptz not null,
  -- The close that is crediting the date (set when its plan is made): the entry is fixed from then.
  crediting_on date,
  -- Set once, by day-close, when every holding was credited for the date; the entry is fixed then.
  credited_on date,
  credited_at timestamptz,
  holders integer,
  eligible_units bigint,
  fund_income bigint,
  distributed bigint,
  undistributed bigint check (undistributed is null or undistributed >= 0),
  primary key (product_id, date)
);
create index wealth_mmf_income_uncredited on wealth_mmf_income (date) where credited_at is null;

-- One row per (date, chunk of holdings) credited: written in the chunk's transaction before its
-- transfers, so a chunk credits a date at most once (the primary key), and summed when the day is
-- complete. range_from is the chunk's first holding id ('' for an open start).
create table wealth_mmf_income_chunks (
  product_id uuid not null,
  date date not null,
  range_from text not null,
  business_date date not null,
  holders integer not null default 0,
  eligible_units bigint not null default 0,
  distributed bigint not null default 0,
  primary key (product_id, date, range_from),
  foreign key (product_id, date) references wealth_mmf_income (product_id, date)
);
create index wealth_mmf_income_chunks_run on wealth_mmf_income_chunks (business_date);
