-- Backing by card through a channel (docs/crowdfunding.md): the backing is recorded with its top-up
-- order, 'awaiting_payment', and becomes 'held' when the channel's answer settles the order, in that
-- transaction; or 'failed' with the reason the backer sees (the payment failed, the tier sold out or
-- the project closed meanwhile: then the money stays in the wallet).
alter table crowdfunding_backings drop constraint crowdfunding_backings_status_check;
alter table crowdfunding_backings add constraint crowdfunding_backings_status_check
  check (status in ('awaiting_payment', 'held', 'cancelled', 'collected', 'released', 'failed'));
alter table crowdfunding_backings add column payment_order_id uuid;
alter table crowdfunding_backings add column failure_reason text
  check (failure_reason is null or failure_reason in ('payment_failed', 'tier_sold_out', 'project_closed'));
create unique index crowdfunding_backings_payment_order on crowdfunding_backings (payment_order_id)
  where payment_order_id is not null;

-- A refund made in a complaint's resolution names it (crowdfunding_refunds.complaint_id): found by it.
create index crowdfunding_refunds_complaint on crowdfunding_refunds (complaint_id) where complaint_id is not null;
