import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * The loan book as it stood at the end of a business date, one row per loan disbursed by then: the
 * one statement both the risk area (analytics-facts.ts: loanBookAsOf, with the roll rates) and the public
 * disclosure (analytics-disclosure.ts) read, so that their figures cannot drift apart.
 *
 * Columns: id, borrower_id, grade, amount, vintage (YYYY-MM of the start date), state (active, or
 * repaid / written_off if closed by the date), paid (principal allocated by repayments dated by
 * then), written_off (principal written off by then), dpd (days past due at the date's end, 0 for a
 * loan no longer active).
 *
 * Two ways to the same rows:
 * - **rebuilt** (any date): principal paid from the allocations of repayments dated by the date, and
 *   the days past due from the oldest instalment due by then whose charges (dated by then) exceed
 *   what repayments dated by then allocated to it, as the ageing step counts them;
 * - **current** (`bookIsCurrent`: nothing in lending is dated after the date and no loan was aged
 *   after it, as during that date's close): the same figures read as they stand, the days past due
 *   from `loans.dpd` (the ageing of the date, or an earlier one of a loan with nothing due since) and
 *   the principal paid from all allocations, with no join to the repayments and no rebuilding of
 *   charges against instalments. test/analytics checks that backfilled dates (rebuilt) equal the
 *   close's (current).
 */
export function bookRows(date: PlainDate, current: boolean): RawBuilder<unknown> {
  const closedBy = sql`(l.closed_on is not null and l.closed_on <= ${date}::date)`;
  if (current)
    return sql`(
      select l.id, l.borrower_id, l.grade, l.amount, to_char(l.start_date, 'YYYY-MM') as vintage,
        case when ${closedBy} then l.status else 'active' end as state,
        coalesce(p.amount, 0) as paid,
        coalesce(w.principal, 0) as written_off,
        case when ${closedBy} then 0 else l.dpd end as dpd
      from loans l
      left join (select loan_id, sum(amount) as amount from loan_allocations where kind = 'principal'
        group by loan_id) p on p.loan_id = l.id
      left join loan_write_offs w on w.loan_id = l.id
      where l.start_date is not null and l.start_date <= ${date}::date
    )`;
  return sql`(
    with book as (
      select id, borrower_id, grade, amount, start_date, status, closed_on, dpd from loans l
      where start_date is not null and start_date <= ${date}::date
    ),
    paid as (
      select a.loan_id, a.period, a.kind, sum(a.amount) as amount
      from loan_allocations a join loan_repayments r on r.id = a.repayment_id
      where r.business_date <= ${date}::date group by 1, 2, 3
    ),
    charged as (
      select c.loan_id, c.period, sum(c.amount) as amount
      from loan_charges c
      where c.charged_on <= ${date}::date and c.period > 0 group by 1, 2
    ),
    oldest as (
      select ch.loan_id, min(i.due_date) as due
      from charged ch
      join loan_installments i on i.loan_id = ch.loan_id and i.period = ch.period
      left join (select loan_id, period, sum(amount) as amount from paid group by 1, 2) p
        on p.loan_id = ch.loan_id and p.period = ch.period
      where i.due_date <= ${date}::date and ch.amount - coalesce(p.amount, 0) > 0
      group by 1
    )
    select l.id, l.borrower_id, l.grade, l.amount, to_char(l.start_date, 'YYYY-MM') as vintage,
      case when ${closedBy} then l.status else 'active' end as state,
      coalesce(pp.amount, 0) as paid,
      coalesce(w.principal, 0) as written_off,
      case when ${closedBy} then 0 else coalesce(${date}::date - o.due, 0) end as dpd
    from book l
    left join oldest o on o.loan_id = l.id
    left join (select loan_id, sum(amount) as amount from paid where kind = 'principal' group by 1) pp
      on pp.loan_id = l.id
    left join loan_write_offs w on w.loan_id = l.id and w.business_date <= ${date}::date
  )`;
}

/**
 * Settings for the rest of the transaction that reads a book (a day-close chunk or a backfill's
 * date): memory enough for its hash aggregates over every allocation and charge not to spill to
 * disk, and no JIT compilation (a second or more per statement, for statements run once a day).
 * Outside a transaction it does nothing.
 */
export async function tuneForBook(db: Executor): Promise<void> {
  if (!db.isTransaction) return;
  await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(db);
}

/**
 * Whether the book of `date` is what lending's tables hold now: no repayment, write-off, advance or
 * disbursement dated after it, and no loan aged after it. True during the date's own close (and
 * until the next business date's first event); a backfill of an older date is rebuilt.
 */
export async function bookIsCurrent(db: Executor, date: PlainDate): Promise<boolean> {
  await tuneForBook(db);
  const rows = await sql<{ later: boolean }>`
    select exists (select 1 from loan_repayments where business_date > ${date}::date)
      or exists (select 1 from loan_write_offs where business_date > ${date}::date)
      or exists (select 1 from loan_advances where business_date > ${date}::date)
      or exists (select 1 from loans where start_date > ${date}::date)
      or exists (select 1 from loans where aged_on > ${date}::date) as later`.execute(db);
  return !rows.rows[0]!.later;
}
