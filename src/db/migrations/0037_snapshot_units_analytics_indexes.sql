-- The day-close snapshots say what each value is, so that the API shows an amount in major units
-- with its currency and a count as a whole number (not "16284529.000000", minor units as a decimal).
alter table daily_snapshots add column unit text not null default 'decimal'
  check (unit in ('count', 'money', 'ratio', 'decimal'));
update daily_snapshots set unit = 'money' where metric in (
  'loans.overdue_amount', 'loans.outstanding_principal', 'loans.funded_amount', 'reserve.balance',
  'reserve.overdue_principal', 'credit_lines.overdue_amount');
update daily_snapshots set unit = 'count' where metric in ('loans.count', 'loans.funded_count', 'credit_lines.count');
update daily_snapshots set unit = 'ratio' where metric = 'reserve.coverage';

-- Analytics (liquidity, disclosure): the platform's cash accounts (channel cash 1001, channel clearing
-- 1002, the risk reserve 2201), found without scanning every account.
create index ledger_accounts_cash_codes on ledger_accounts (code) where code in (1001, 1002, 2201);
