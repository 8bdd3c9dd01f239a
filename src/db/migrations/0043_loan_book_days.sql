-- Analytics speed (issue 19, docs/analytics.md "Performance").

-- Lending: the loan book of a business date summed once (src/lending/analytics-book-days.ts), for both
-- analytics areas that read it (risk: cells by vintage, state and bucket, and the roll rates;
-- disclosure: the open book by bucket, borrowers, the ten largest), instead of each computing the book
-- again. A date's book depends only on rows dated by then, so its sums do not change afterwards; a
-- forced backfill forgets them (forgetLoanBookDays) and computes them again.
-- loan_book_days marks a date as summed; its rows are the sums, by kind:
--   cell:      one per (vintage, state, bucket, dpd30, dpd90): loans, principal as the risk area counts
--              it (outstanding if active, written off if written off, else 0), originated, and the
--              open part (loans with principal still owed, and that principal);
--   roll:      one per (bucket at the previous month end, bucket or closing state now): loans;
--   borrowers: one row: borrowers with a loan disbursed by then (loans), with principal owed
--              (open_loans), and what the ten who owe the most owe (principal).
create table loan_book_days (
  business_date date primary key
);
create table loan_book_day_rows (
  business_date date not null references loan_book_days on delete cascade,
  kind text not null check (kind in ('cell', 'roll', 'borrowers')),
  vintage text,
  state text,
  bucket text,
  dpd30 boolean,
  dpd90 boolean,
  from_bucket text,
  loans integer not null,
  principal bigint not null,
  originated bigint not null,
  open_loans integer not null,
  open_principal bigint not null
);
create index loan_book_day_rows_date on loan_book_day_rows (business_date);
