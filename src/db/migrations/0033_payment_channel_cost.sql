-- What a payment channel charges netfin (docs/payments.md, Channel costs): recorded on a charge
-- (a top-up, a card payment to a merchant) when it succeeds, booked in the same transaction as
-- channel_fee_expense (5001) against the channel's cash account, which then holds what the channel
-- remits. Null: not a charge, not settled yet, or settled before costs were booked.
alter table payment_orders add column channel_cost int8 check (channel_cost is null or channel_cost >= 0);

-- A successful crowdfunding project passes the payment cost of its card backings (what the channels
-- charged for their top-ups) on to its creator's share, to fee income (docs/crowdfunding.md, Money).
-- Null until the project succeeds.
alter table crowdfunding_projects add column payment_cost int8 check (payment_cost is null or payment_cost >= 0);
