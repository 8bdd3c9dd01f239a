-- The business date on which each of an investor's cash flows was booked (src/lending): a bid posted
-- at disbursement, a payout of principal or interest, a reserve advance, a note's price and seller
-- fee. The amount and the direction are the ledger transfer's; this row only dates it, written in the
-- transaction that posts the transfer. An investor's XIRR dates each flow by it: the transfer's own
-- created_at is the wall clock, which runs ahead of the business date when days close in catch-up.
create table investor_flow_dates (
  transfer_id text primary key,
  business_date date not null
);
