-- The business date of an investor's cash flows by ledger block (issue 23): the transfers of one
-- ledger batch share a timestamp block (timestamp - timestamp % 65536), and lending posts each batch
-- with one business date, so one row dates every flow of the batch: a repayment split across 1,000
-- notes writes one row here instead of 2,000 in investor_flow_dates. investor_flow_dates keeps the
-- rows written before, and is still read for them (src/lending/flow-dates.ts).
create table investor_flow_blocks (
  block bigint primary key,
  business_date date not null
);
