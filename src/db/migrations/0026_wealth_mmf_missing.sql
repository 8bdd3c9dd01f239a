-- Wealth (src/wealth/mmf/income-credit.ts), issue 18: a date closed without the money-market fund's
-- income entered. Its close records each holding's units available that day, so that the income,
-- entered later and credited by a later close, is paid on the units as they stood on its date, not
-- as they stand when it is credited. A record of a past day, never read as a balance.
create table wealth_mmf_missing (
  product_id uuid not null references wealth_products (id),
  date date not null,
  recorded_at timestamptz not null,
  primary key (product_id, date)
);

create table wealth_mmf_eligible (
  product_id uuid not null,
  date date not null,
  holding_id uuid not null,
  units int8 not null check (units > 0),
  primary key (product_id, date, holding_id),
  foreign key (product_id, date) references wealth_mmf_missing (product_id, date)
);
