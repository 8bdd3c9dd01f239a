-- CRM portraits recomputed incrementally (issue 20, docs/crm.md "Whom the step recomputes").

-- The last business date through which the stored portrait stays right if nothing touches the
-- customer (the day before the earliest date on which time alone changes it: an event leaving a
-- window, a risk assessment expiring, the next age band, a dated row of the future, a DPD growing).
alter table crm_portraits add column valid_through date;
create index crm_portraits_valid_through on crm_portraits (valid_through);

-- The ledger accounts each portrait read (wallet, notes, wealth holdings, loans' and credit lines'
-- income accounts), replaced by the step each time it recomputes the customer: a transfer on one of
-- them makes its owner's portrait due again.
create table crm_portrait_accounts (
  account_id text not null,
  user_id uuid not null,
  primary key (account_id, user_id)
);
create index crm_portrait_accounts_user on crm_portrait_accounts (user_id);

-- What every portrait depends on besides the customer (hash of the AUM bands, the class rules'
-- window, the tag rule set in force, the wealth products' codes and kinds, the code's
-- PORTRAIT_VERSION), the business date of the last computation and the ledger chain position read
-- then. One row.
create table crm_portrait_basis (
  singleton boolean primary key default true check (singleton),
  hash text not null,
  computed_on date not null,
  ledger_position bigint not null
);

-- The customers the step recomputes for a date, written by its plan (in the planning transaction)
-- and read by its chunks: a resumed close works on the same set.
create table crm_portrait_dirty (
  business_date date not null,
  user_id uuid not null,
  primary key (business_date, user_id)
);

-- Customers whose inputs changed since the step last planned: every insert, delete and relevant
-- update of a table a portrait reads adds its customer here (in the writer's transaction, so a
-- change is here exactly when it is committed); the step's plan takes the rows it sees and deletes
-- them in its own transaction. A row committed after the plan's snapshot stays for the next close.
-- No key, on purpose: a customer may be here many times. With a unique key, two writers touching
-- the same customers in opposite orders (two disbursements sharing investors) would wait on each
-- other's uncommitted row and deadlock; appending never waits.
create table crm_touched (user_id uuid not null);

-- The customer is the row's column named by the trigger's argument (a uuid).
create function crm_touch_user() returns trigger language plpgsql as $$
declare
  col text := TG_ARGV[0];
begin
  if TG_OP <> 'DELETE' and (to_jsonb(NEW) ->> col) is not null then
    insert into crm_touched (user_id) values ((to_jsonb(NEW) ->> col)::uuid);
  end if;
  if TG_OP <> 'INSERT' and (to_jsonb(OLD) ->> col) is not null then
    insert into crm_touched (user_id) values ((to_jsonb(OLD) ->> col)::uuid);
  end if;
  return null;
end $$;

-- The customer is the borrower of the row's loan_id.
create function crm_touch_loan() returns trigger language plpgsql as $$
begin
  if TG_OP <> 'DELETE' then
    insert into crm_touched (user_id) select borrower_id from loans where id = NEW.loan_id;
  end if;
  if TG_OP <> 'INSERT' then
    insert into crm_touched (user_id) select borrower_id from loans where id = OLD.loan_id;
  end if;
  return null;
end $$;

-- The customer is the holder of the row's credit line (line_id).
create function crm_touch_line() returns trigger language plpgsql as $$
begin
  if TG_OP <> 'DELETE' then
    insert into crm_touched (user_id) select customer_id from credit_lines where id = NEW.line_id;
  end if;
  if TG_OP <> 'INSERT' then
    insert into crm_touched (user_id) select customer_id from credit_lines where id = OLD.line_id;
  end if;
  return null;
end $$;

-- Inserts are seen once per statement, through the statement's new rows (a transition table): a
-- bulk insert (a loan's instalments, a disbursement's notes, a copied book) adds its customers in one
-- set-based statement instead of a function call and a lookup per row. Updates and deletes, rarer and
-- filtered by their WHEN conditions, stay per row.
create function crm_touch_new_borrower_id() returns trigger language plpgsql as $$
begin
  insert into crm_touched (user_id) select borrower_id::uuid from new_rows where borrower_id is not null;
  return null;
end $$;
create function crm_touch_new_customer_id() returns trigger language plpgsql as $$
begin
  insert into crm_touched (user_id) select customer_id::uuid from new_rows where customer_id is not null;
  return null;
end $$;
create function crm_touch_new_holder_id() returns trigger language plpgsql as $$
begin
  insert into crm_touched (user_id) select holder_id::uuid from new_rows where holder_id is not null;
  return null;
end $$;
create function crm_touch_new_id() returns trigger language plpgsql as $$
begin
  insert into crm_touched (user_id) select id::uuid from new_rows where id is not null;
  return null;
end $$;
create function crm_touch_new_investor_id() returns trigger language plpgsql as $$
begin
  insert into crm_touched (user_id) select investor_id::uuid from new_rows where investor_id is not null;
  return null;
end $$;
create function crm_touch_new_user_id() returns trigger language plpgsql as $$
begin
  insert into crm_touched (user_id) select user_id::uuid from new_rows where user_id is not null;
  return null;
end $$;
create function crm_touch_new_loans() returns trigger language plpgsql as $$
begin
  insert into crm_touched (user_id) select l.borrower_id::uuid from new_rows n join loans l on l.id = n.loan_id;
  return null;
end $$;
create function crm_touch_new_lines() returns trigger language plpgsql as $$
begin
  insert into crm_touched (user_id) select l.customer_id::uuid from new_rows n join credit_lines l on l.id = n.line_id;
  return null;
end $$;

-- identity
create trigger crm_touch after delete on users for each row execute function crm_touch_user('id');
create trigger crm_touch_insert after insert on users referencing new table as new_rows
  for each statement execute function crm_touch_new_id();
create trigger crm_touch_update after update on users for each row
  when (old.* is distinct from new.*) execute function crm_touch_user('id');
create trigger crm_touch after delete on sessions for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on sessions referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch_update after update on sessions for each row
  when (row(old.user_id, old.last_seen_at) is distinct from row(new.user_id, new.last_seen_at))
  execute function crm_touch_user('user_id');
create trigger crm_touch after delete or update on user_activity_days for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on user_activity_days referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch after delete on investor_assessments for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on investor_assessments referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch_update after update on investor_assessments for each row
  when (old.* is distinct from new.*) execute function crm_touch_user('user_id');

-- lending
create trigger crm_touch after delete on auto_invest_rules for each row execute function crm_touch_user('investor_id');
create trigger crm_touch_insert after insert on auto_invest_rules referencing new table as new_rows
  for each statement execute function crm_touch_new_investor_id();
create trigger crm_touch_update after update on auto_invest_rules for each row
  when (row(old.investor_id, old.enabled) is distinct from row(new.investor_id, new.enabled))
  execute function crm_touch_user('investor_id');
create trigger crm_touch after delete on loan_notes for each row execute function crm_touch_user('holder_id');
create trigger crm_touch_insert after insert on loan_notes referencing new table as new_rows
  for each statement execute function crm_touch_new_holder_id();
create trigger crm_touch_update after update on loan_notes for each row
  when (row(old.holder_id, old.kind, old.origin, old.acquired_on, old.original_principal, old.loan_id)
        is distinct from row(new.holder_id, new.kind, new.origin, new.acquired_on, new.original_principal, new.loan_id))
  execute function crm_touch_user('holder_id');
create trigger crm_touch after delete on loans for each row execute function crm_touch_user('borrower_id');
create trigger crm_touch_insert after insert on loans referencing new table as new_rows
  for each statement execute function crm_touch_new_borrower_id();
create trigger crm_touch_update after update on loans for each row
  when (row(old.borrower_id, old.status, old.amount, old.dpd, old.start_date, old.disbursed_at, old.application_id)
        is distinct from row(new.borrower_id, new.status, new.amount, new.dpd, new.start_date, new.disbursed_at, new.application_id))
  execute function crm_touch_user('borrower_id');
create trigger crm_touch after delete on loan_applications for each row execute function crm_touch_user('borrower_id');
create trigger crm_touch_insert after insert on loan_applications referencing new table as new_rows
  for each statement execute function crm_touch_new_borrower_id();
create trigger crm_touch_update after update on loan_applications for each row
  when (row(old.borrower_id, old.credit_plan_id) is distinct from row(new.borrower_id, new.credit_plan_id))
  execute function crm_touch_user('borrower_id');
create trigger crm_touch after delete on loan_charges for each row execute function crm_touch_loan();
create trigger crm_touch_insert after insert on loan_charges referencing new table as new_rows
  for each statement execute function crm_touch_new_loans();
create trigger crm_touch_update after update on loan_charges for each row
  when (row(old.loan_id, old.period, old.kind, old.charged_on) is distinct from row(new.loan_id, new.period, new.kind, new.charged_on))
  execute function crm_touch_loan();
create trigger crm_touch after delete on loan_installments for each row execute function crm_touch_loan();
create trigger crm_touch_insert after insert on loan_installments referencing new table as new_rows
  for each statement execute function crm_touch_new_loans();
create trigger crm_touch_update after update on loan_installments for each row
  when (row(old.loan_id, old.due_date) is distinct from row(new.loan_id, new.due_date))
  execute function crm_touch_loan();

-- credit
create trigger crm_touch after delete on credit_lines for each row execute function crm_touch_user('customer_id');
create trigger crm_touch_insert after insert on credit_lines referencing new table as new_rows
  for each statement execute function crm_touch_new_customer_id();
create trigger crm_touch_update after update on credit_lines for each row
  when (row(old.customer_id, old.status, old.granted_limit, old.temporary_raise, old.overdue_since, old.worst_dpd)
        is distinct from row(new.customer_id, new.status, new.granted_limit, new.temporary_raise, new.overdue_since, new.worst_dpd))
  execute function crm_touch_user('customer_id');
create trigger crm_touch after delete on credit_line_events for each row execute function crm_touch_line();
create trigger crm_touch_insert after insert on credit_line_events referencing new table as new_rows
  for each statement execute function crm_touch_new_lines();
create trigger crm_touch_update after update on credit_line_events for each row
  when (row(old.line_id, old.kind, old.amount, old.business_date) is distinct from row(new.line_id, new.kind, new.amount, new.business_date))
  execute function crm_touch_line();
create trigger crm_touch after delete on credit_statements for each row execute function crm_touch_line();
create trigger crm_touch_insert after insert on credit_statements referencing new table as new_rows
  for each statement execute function crm_touch_new_lines();
create trigger crm_touch_update after update on credit_statements for each row
  when (old.line_id is distinct from new.line_id) execute function crm_touch_line();

-- wealth
create trigger crm_touch after delete on wealth_mmf_orders for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on wealth_mmf_orders referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch_update after update on wealth_mmf_orders for each row
  when (row(old.user_id, old.kind, old.product_id, old.amount, old.business_date)
        is distinct from row(new.user_id, new.kind, new.product_id, new.amount, new.business_date))
  execute function crm_touch_user('user_id');
create trigger crm_touch after delete on wealth_fixed_purchases for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on wealth_fixed_purchases referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch_update after update on wealth_fixed_purchases for each row
  when (row(old.user_id, old.product_id, old.amount, old.business_date)
        is distinct from row(new.user_id, new.product_id, new.amount, new.business_date))
  execute function crm_touch_user('user_id');
create trigger crm_touch after delete on wealth_fund_orders for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on wealth_fund_orders referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch_update after update on wealth_fund_orders for each row
  when (row(old.user_id, old.kind, old.product_id, old.amount, old.created_at)
        is distinct from row(new.user_id, new.kind, new.product_id, new.amount, new.created_at))
  execute function crm_touch_user('user_id');
create trigger crm_touch after delete on wealth_holdings for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on wealth_holdings referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch_update after update on wealth_holdings for each row
  when (row(old.user_id, old.account_id, old.product_id) is distinct from row(new.user_id, new.account_id, new.product_id))
  execute function crm_touch_user('user_id');

-- payments
create trigger crm_touch after delete on payment_orders for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on payment_orders referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch_update after update on payment_orders for each row
  when (row(old.user_id, old.status, old.kind, old.amount, old.business_date)
        is distinct from row(new.user_id, new.status, new.kind, new.amount, new.business_date))
  execute function crm_touch_user('user_id');
create trigger crm_touch after delete on wallets for each row execute function crm_touch_user('user_id');
create trigger crm_touch_insert after insert on wallets referencing new table as new_rows
  for each statement execute function crm_touch_new_user_id();
create trigger crm_touch_update after update on wallets for each row
  when (row(old.user_id, old.account_id) is distinct from row(new.user_id, new.account_id))
  execute function crm_touch_user('user_id');
