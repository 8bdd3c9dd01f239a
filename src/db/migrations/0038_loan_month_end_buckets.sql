-- Analytics speed (issue 19, docs/analytics.md "Performance").

-- Lending: each month end's loan book by delinquency bucket, kept the first time it is computed (by
-- the close of the month end, or by a backfill), so that the risk area's roll rates read it on the
-- following days instead of rebuilding that book every day (src/lending/analytics-facts.ts
-- loanBookAsOf). A month end's book depends only on rows dated by then: it does not change afterwards.
-- loan_month_end_books marks a month end as kept (also when no loan was active then); its rows are
-- the loans active at the end of that date.
create table loan_month_end_books (
  month_end date primary key
);
create table loan_month_end_buckets (
  month_end date not null,
  loan_id uuid not null,
  bucket text not null check (bucket in ('current', 'M1', 'M2', 'M3', 'M3+')),
  primary key (month_end, loan_id)
);
