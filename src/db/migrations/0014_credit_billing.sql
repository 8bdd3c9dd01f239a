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

-- ==== Delinquency, reminders, the periodic review, collections of credit lines (delinquency engineer) ====
-- What the day-close's delinquency step (credit.delinquency, 360) found at the last close: the due date
-- of the oldest delinquent statement (null: not delinquent) and what is unpaid on statements past due.
-- The figures of record stay the ledger's; these columns let staff search and collections queue lines.
alter table credit_lines add column overdue_since date;
alter table credit_lines add column overdue_amount bigint not null default 0 check (overdue_amount >= 0);
-- Behaviour since the last review (credit.review, 370): the worst days past due and the most credit used.
alter table credit_lines add column worst_dpd int not null default 0 check (worst_dpd >= 0);
alter table credit_lines add column peak_used bigint not null default 0 check (peak_used >= 0);
create index credit_lines_overdue on credit_lines (overdue_since) where overdue_since is not null;
create index credit_lines_review on credit_lines (review_on) where status in ('active', 'frozen');

-- Reminders about a statement: before its due date (days_before > 0), and the due date's notice that
-- auto-debit did not cover the minimum (kind 'auto_debit_short'); once per statement, kind and date.
create table credit_reminders (
  statement_id uuid not null references credit_statements (id),
  kind text not null check (kind in ('before_due', 'auto_debit_short')),
  sent_on date not null,
  days_before int not null,
  primary key (statement_id, kind, sent_on)
);

-- Collections: a case is about a loan (lending) or a credit line (credit), exactly one of the two.
alter table collection_cases alter column loan_id drop not null;
alter table collection_cases add column line_id uuid;
alter table collection_cases add constraint collection_cases_subject check ((loan_id is null) <> (line_id is null));
create unique index collection_cases_open_line on collection_cases (line_id) where status = 'open';
-- ==== end delinquency engineer ====

-- ==== funding engineer ====
-- The funding step's record of each business date it accrued (src/credit/funding.ts): the principal
-- outstanding it measured, the rate, the cost it posted (the ledger transfer), and the income
-- accounts' totals as that date closed, the reference points of the funding report by period. No
-- balance: the ledger's accounts are the balances; a row here marks the date done (a step run again
-- changes nothing) and says what the cost was measured on.
create table credit_funding_days (
  business_date date primary key,
  cash_draws bigint not null check (cash_draws >= 0),
  unbilled bigint not null check (unbilled >= 0),
  billed bigint not null check (billed >= 0),
  cost bigint not null check (cost >= 0),
  transfer_id text,
  -- Set by the report step at the end of the close (null until then).
  interest_income bigint,
  fee_income bigint,
  penalty_income bigint,
  discount_income bigint,
  created_at timestamptz not null
);
-- ==== end funding engineer ====

-- ==== purchases engineer ====
-- A plan's refunds (a merchant's refund of the purchase it paid): the principal refunded so far and
-- the fee given back so far, which the next refund's pro-rata fee and discount are measured from; and
-- the merchant's name as the customer saw it at checkout (credit does not read payments' tables).
alter table credit_plans add column refunded bigint not null default 0 check (refunded >= 0);
alter table credit_plans add column charge_refunded bigint not null default 0 check (charge_refunded >= 0);
alter table credit_plans add column merchant_name text;
-- Of an instalment already billed, what refunds took back off it (its statement's part, or the wallet).
alter table credit_plan_instalments add column refunded_principal bigint not null default 0 check (refunded_principal >= 0);
alter table credit_plan_instalments add column refunded_charge bigint not null default 0 check (refunded_charge >= 0);
-- ==== end purchases engineer ====

-- ==== assignment engineer ====
-- A cash draw's instalment loan assigned to marketplace investors (src/credit/assign.ts, lending's
-- origin.ts): the plan is 'listing' while lending lists it, 'assigned' once a loan disbursed for it
-- took over its principal (its instalments cancelled; the customer repays the loan through lending),
-- and back to 'active' if the listing fails. loan_id names the loan (lending's) of the plan.
alter table credit_plans drop constraint if exists credit_plans_status_check;
alter table credit_plans add constraint credit_plans_status_check
  check (status in ('active', 'completed', 'refunded', 'cancelled', 'listing', 'assigned'));
alter table credit_plans add column loan_id uuid;
-- Lending's side: an application that is a credit plan assigned to investors, not a borrower's
-- request; no new risk decision is made, the line's decision (credit_decision_id) stands for it.
alter table loan_applications add column credit_plan_id uuid;
alter table loan_applications add column credit_decision_id uuid;
create index loan_applications_credit_plan on loan_applications (credit_plan_id) where credit_plan_id is not null;
-- ==== end assignment engineer ====

-- ==== lead ====
-- A cash draw's instalment is billed on the first statement whose due date is on or after the
-- instalment's own due date in the draw's schedule (so no interest is asked for before it is
-- earned, and a bullet draw is billed at its maturity); purchases' instalments have none (null) and
-- are billed one per statement from the next.
alter table credit_plan_instalments add column due_on date;
-- ==== end lead ====
