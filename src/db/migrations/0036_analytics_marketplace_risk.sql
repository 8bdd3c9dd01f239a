-- Operations analytics, marketplace and risk areas (issue 19, src/analytics/areas/marketplace.ts and
-- risk.ts): indexes so that a business date's facts read only that date's rows of lending's and
-- risk's tables (src/lending/analytics-facts.ts, src/risk/analytics-facts.ts). No new table.

-- Listings opened and filled on a date (by timestamp, the date in Asia/Shanghai), loans disbursed on it.
create index loans_listed_at on loans (listed_at);
create index loans_full_at on loans (full_at) where full_at is not null;
create index loans_start_date on loans (start_date) where start_date is not null;

-- The day's repayments, advances and write-offs (by business date).
create index loan_repayments_business_date on loan_repayments (business_date);
create index loan_advances_business_date on loan_advances (business_date);
create index loan_write_offs_business_date on loan_write_offs (business_date);

-- Secondary-market trades by when they closed.
create index note_listings_sold on note_listings (closed_at) where status = 'sold';

-- The decision log by business date.
create index risk_decisions_business_date on risk_decisions (business_date);
