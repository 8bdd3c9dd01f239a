-- Consumer credit, billing (issue 17, second part): purchases at a merchant's checkout paid with a
-- line, instalment plans, statements and their due dates, delinquency. No balance lives here: what a
-- statement still owes is its ledger accounts (stmt:<id>:principal|fees|interest|penalty), what a plan
-- has not billed yet is the line's unbilled account; these rows hold the terms and the facts billed.

-- A line's billing cycle: the statement day of the month (1-28) and the days from statement to due.
alter table credit_lines add column statement_day int not null default 1 check (statement_day between 1 and 28);
alter table credit_lines add column grace_days int not null default 9 check (grace_days between 1 and 28);
-- Auto-debit from the wallet on the due date (opt-in).
alter table credit_lines add column auto_debit boolean not null default false;
-- Who froze a frozen line: staff (with the reason), or the system for delinquency (lifted when cured).
alter table credit_lines add column frozen_by text check (frozen_by in ('staff', 'delinquency', 'review'));

-- A plan: how one amount borrowed from a line is billed. A purchase paid in full by the statement's due
-- date is a plan of one instalment and no fee; a purchase in 3, 6 or 12 instalments, a cash draw as
-- an instalment loan and a statement converted into instalments are plans of n.
create table credit_plans (
  id uuid primary key,
  line_id uuid not null references credit_lines (id),
  kind text not null check (kind in ('purchase', 'instalment_purchase', 'draw_instalments', 'statement_instalments')),
  status text not null check (status in ('active', 'completed', 'refunded', 'cancelled')),
  principal bigint not null check (principal > 0),
  -- The total fee (purchases, conversions) or interest (draws) of the plan as agreed, minor units.
  charge bigint not null default 0 check (charge >= 0),
  instalments int not null check (instalments between 1 and 36),
  fee_rate numeric(12, 8),
  repayment_method text,
  annual_rate numeric(12, 8),
  -- A purchase: the payment order it paid and the merchant paid.
  order_id uuid unique,
  merchant_id uuid,
  merchant_discount bigint not null default 0 check (merchant_discount >= 0),
  statement_id uuid,
  created_on date not null,
  created_at timestamptz not null
);
create index credit_plans_line on credit_plans (line_id, created_at);
create index credit_plans_active on credit_plans (line_id) where status = 'active';

-- The instalments of a plan: principal and charge (fee or interest) of each, and the statement that
-- billed it. A refund may reduce or cancel those not yet billed.
create table credit_plan_instalments (
  plan_id uuid not null references credit_plans (id),
  seq int not null check (seq >= 1),
  principal bigint not null check (principal >= 0),
  charge bigint not null check (charge >= 0),
  statement_id uuid,
  cancelled boolean not null default false,
  primary key (plan_id, seq)
);
create index credit_plan_instalments_unbilled on credit_plan_instalments (plan_id) where statement_id is null and not cancelled;

-- A statement: what was billed on its date, its minimum payment and its due date. What it still owes
-- is the ledger's; settled_on marks the day it owed nothing more (a filter, not a balance).
create table credit_statements (
  id uuid primary key,
  line_id uuid not null references credit_lines (id),
  statement_date date not null,
  period_start date not null,
  due_on date not null,
  billed_principal bigint not null default 0 check (billed_principal >= 0),
  billed_fees bigint not null default 0 check (billed_fees >= 0),
  billed_interest bigint not null default 0 check (billed_interest >= 0),
  -- Unpaid amounts of earlier statements when this one was drawn up (shown, not owed twice).
  carried bigint not null default 0 check (carried >= 0),
  min_payment bigint not null default 0 check (min_payment >= 0),
  -- The last business date whose penalty interest has been accrued on this statement.
  penalty_through date,
  converted_plan_id uuid,
  settled_on date,
  created_at timestamptz not null,
  unique (line_id, statement_date)
);
create index credit_statements_open on credit_statements (due_on, line_id) where settled_on is null;

-- Payments: the merchant discount rate a merchant pays on purchases paid with credit (a share, e.g.
-- 0.006 for 0.6%), and orders paid with a credit line.
alter table merchants add column discount_rate numeric(8, 6) not null default 0.006 check (discount_rate >= 0 and discount_rate < 1);
alter table payment_orders drop constraint if exists payment_orders_method_check;
alter table payment_orders add constraint payment_orders_method_check check (method in ('wallet', 'card', 'credit'));
