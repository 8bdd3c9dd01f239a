-- The staff list of loans (src/lending/staff-loans.ts): counting the loans in a days-past-due bucket
-- (or 30+ / 90+) reads this small index of overdue loans only, without visiting the table. On a
-- synthetic 200,000-loan book (15,000 overdue) the capped count of M1 went from an index scan of
-- loans_overdue with a heap visit per loan (0.5-0.7 s on a loaded machine) to an index-only scan
-- of this index (under 20 ms); the page itself keeps walking loans_overdue backwards by id.
create index loans_dpd on loans (dpd) where dpd > 0;
