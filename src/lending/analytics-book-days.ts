import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { addDays, dateParts, fromParts, type PlainDate } from '../kernel/index.ts';
import { bookIsCurrent, bookRows } from './analytics-book.ts';

/**
 * The loan book of a business date, summed once for every analytics area that reads it: the risk
 * area's cells and roll rates (loanBookAsOf) and the disclosure's open book, borrowers and largest
 * borrowers (analytics-disclosure.ts). One statement reads the book (analytics-book.ts: every loan
 * disbursed by the date as it stood at the date's end) and writes its sums into loan_book_day_rows
 * (migration 0043); the next reader of the same date reads those few rows. A date's book depends
 * only on rows dated by then, so the sums stay true; a forced backfill forgets them first
 * (forgetLoanBookDays).
 *
 * Concurrent readers of a date not yet summed (two day-close workers): the marker row's insert
 * decides, and the other waits on it, then reads what the first wrote.
 */

/** Every loan of the book with the principal each reader counts (see loan_book_day_rows). */
function bookAsOf(date: PlainDate, current: boolean): RawBuilder<unknown> {
  return sql`(
    select id, borrower_id, amount, vintage, state, dpd,
      case when state = 'active' then amount - paid when state = 'written_off' then written_off else 0 end as principal,
      amount - paid - written_off as owed
    from ${bookRows(date, current)} rows
  )`;
}

const BUCKET = sql<string>`case when dpd <= 0 then 'current' when dpd <= 30 then 'M1' when dpd <= 60 then 'M2'
  when dpd <= 90 then 'M3' else 'M3+' end`;

export interface BookCell {
  readonly vintage: string;
  readonly state: 'active' | 'repaid' | 'written_off';
  /** The delinquency bucket (current for a loan no longer active). */
  readonly bucket: string;
  readonly dpd30: boolean;
  readonly dpd90: boolean;
  readonly loans: number;
  /** Outstanding if active, written off if written off, 0 if repaid. */
  readonly principal: bigint;
  /** Principal disbursed. */
  readonly originated: bigint;
  /** Loans with principal still owed (disbursed − repaid − written off > 0), and that principal. */
  readonly openLoans: number;
  readonly openPrincipal: bigint;
}

export interface LoanRoll {
  /** The bucket at the month end rolled from. */
  readonly from: string;
  /** The bucket at the date, or repaid / written_off. */
  readonly to: string;
  readonly loans: number;
}

export interface LoanBookDay {
  readonly cells: readonly BookCell[];
  /** How the loans active at the end of the previous month end stood at the end of the date. */
  readonly rolls: readonly LoanRoll[];
  /** People with a loan disbursed by the date. */
  readonly borrowers: number;
  /** People with principal still owed at the end of the date. */
  readonly borrowersOwing: number;
  /** The principal owed by the ten people who owe the most. */
  readonly top10Principal: bigint;
}

interface DayRow {
  kind: 'cell' | 'roll' | 'borrowers';
  vintage: string | null;
  state: BookCell['state'] | null;
  bucket: string | null;
  dpd30: boolean | null;
  dpd90: boolean | null;
  from_bucket: string | null;
  loans: number;
  principal: bigint | string;
  originated: bigint | string;
  open_loans: number;
  open_principal: bigint | string;
}

async function readDay(db: Executor, date: PlainDate): Promise<DayRow[]> {
  const rows =
    await sql<DayRow>`select kind, vintage, state, bucket, dpd30, dpd90, from_bucket, loans, principal,
      originated, open_loans, open_principal
    from loan_book_day_rows where business_date = ${date}::date`.execute(db);
  return rows.rows;
}

/**
 * Sums the book of `date` into loan_book_day_rows in one statement. When `date` is a month end, the
 * same statement keeps its loans active by bucket for next month's roll rates (loan_month_end_buckets).
 */
async function sumDay(db: Executor, date: PlainDate): Promise<void> {
  const rollsFrom = previousMonthEnd(date);
  await keepMonthEndBook(db, rollsFrom);
  const current = await bookIsCurrent(db, date);
  const monthEnd = isMonthEnd(date);
  if (monthEnd) {
    const marked = await sql`insert into loan_month_end_books (month_end) values (${date})
      on conflict do nothing returning month_end`.execute(db);
    if (marked.rows.length === 0) return sumDayOnly(db, date, rollsFrom, current, false);
  }
  return sumDayOnly(db, date, rollsFrom, current, monthEnd);
}

async function sumDayOnly(
  db: Executor,
  date: PlainDate,
  rollsFrom: PlainDate,
  current: boolean,
  keepMonthEnd: boolean,
): Promise<void> {
  await sql`
    with book as materialized (
      select id, borrower_id, amount, vintage, state, dpd, ${BUCKET} as bucket, principal, owed
      from ${bookAsOf(date, current)} b
    ),
    owing as (select borrower_id, sum(owed) as owed from book where owed > 0 group by borrower_id),
    -- A data-modifying CTE runs to completion whether or not the query reads it.
    kept as (
      insert into loan_month_end_buckets (month_end, loan_id, bucket)
      select ${date}::date, id, bucket from book where ${keepMonthEnd} and state = 'active'
    )
    insert into loan_book_day_rows (business_date, kind, vintage, state, bucket, dpd30, dpd90, from_bucket, loans,
      principal, originated, open_loans, open_principal)
    select ${date}::date, 'cell', vintage, state, bucket, dpd >= 30, dpd >= 90, null, count(*)::int,
      coalesce(sum(principal), 0), coalesce(sum(amount), 0), (count(*) filter (where owed > 0))::int,
      coalesce(sum(owed) filter (where owed > 0), 0)
    from book group by vintage, state, bucket, dpd >= 30, dpd >= 90
    union all
    select ${date}::date, 'roll', null, null, case when b.state = 'active' then b.bucket else b.state end, null, null,
      a.bucket, count(*)::int, 0, 0, 0, 0
    from loan_month_end_buckets a join book b on b.id = a.loan_id
    where a.month_end = ${rollsFrom}::date
    group by a.bucket, 5
    union all
    select ${date}::date, 'borrowers', null, null, null, null, null, null,
      (select count(*)::int from (select borrower_id from book where borrower_id is not null group by 1) b),
      (select coalesce(sum(owed), 0) from (select owed from owing order by owed desc limit 10) t),
      0, (select count(*)::int from owing), 0`.execute(db);
}

/** The sums of the book of `date`: read if summed already, else summed now (and kept). */
export async function loanBookDay(db: Executor, date: PlainDate): Promise<LoanBookDay> {
  let rows = await readDay(db, date);
  if (rows.length === 0) {
    const marked = await sql`insert into loan_book_days (business_date) values (${date})
      on conflict do nothing returning business_date`.execute(db);
    if (marked.rows.length > 0) await sumDay(db, date);
    rows = await readDay(db, date);
  }
  const borrowers = rows.find((r) => r.kind === 'borrowers');
  return {
    cells: rows
      .filter((r) => r.kind === 'cell')
      .map((r) => ({
        vintage: r.vintage!,
        state: r.state!,
        bucket: r.bucket!,
        dpd30: r.dpd30!,
        dpd90: r.dpd90!,
        loans: r.loans,
        principal: BigInt(r.principal),
        originated: BigInt(r.originated),
        openLoans: r.open_loans,
        openPrincipal: BigInt(r.open_principal),
      })),
    rolls: rows
      .filter((r) => r.kind === 'roll')
      .map((r) => ({ from: r.from_bucket!, to: r.bucket!, loans: r.loans })),
    borrowers: borrowers?.loans ?? 0,
    borrowersOwing: borrowers?.open_loans ?? 0,
    top10Principal: BigInt(borrowers?.principal ?? 0),
  };
}

/** Forgets the sums of the dates from `from` to `to`, so that the next reader computes them again. */
export async function forgetLoanBookDays(db: Executor, from: PlainDate, to: PlainDate): Promise<void> {
  await sql`delete from loan_book_days where business_date between ${from}::date and ${to}::date`.execute(db);
}

/**
 * The loan book at the end of `date`, summed by vintage, state, bucket and whether 30+ / 90+ days
 * past due; each vintage's originated principal; and the roll rates' counts: how the loans active
 * at the end of the previous month end stood at the end of `date`, by bucket then and bucket (or
 * repaid, written_off) now (loans disbursed after that month end are not in it).
 */
export async function loanBookAsOf(
  db: Executor,
  date: PlainDate,
): Promise<{
  cells: readonly BookCell[];
  vintages: { vintage: string; originated: bigint }[];
  rolls: readonly LoanRoll[];
}> {
  const day = await loanBookDay(db, date);
  const originated = new Map<string, bigint>();
  for (const c of day.cells) originated.set(c.vintage, (originated.get(c.vintage) ?? 0n) + c.originated);
  return {
    cells: day.cells,
    vintages: [...originated]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([vintage, amount]) => ({ vintage, originated: amount })),
    rolls: day.rolls,
  };
}

/** The last day of the month before `date`'s. */
export function previousMonthEnd(date: PlainDate): PlainDate {
  const { year, month } = dateParts(date);
  return addDays(fromParts(year, month, 1), -1);
}

/** Whether `date` is the last day of its month. */
export function isMonthEnd(date: PlainDate): boolean {
  return dateParts(addDays(date, 1)).day === 1;
}

/**
 * Keeps the loans active at the end of `monthEnd` with their bucket (loan_month_end_buckets,
 * migration 0038), unless that month end is kept already: one insert from the book of the date (the
 * current path when the date is still current, as during its own close; rebuilt otherwise). A
 * month end's book depends only on rows dated by then, so it is computed once. Concurrent callers:
 * the marker row's insert decides which one fills it. (The month end's own summing keeps it in the
 * same statement: loanBookDay.)
 */
export async function keepMonthEndBook(db: Executor, monthEnd: PlainDate): Promise<void> {
  const kept = await sql`select 1 from loan_month_end_books where month_end = ${monthEnd}`.execute(db);
  if (kept.rows.length > 0) return;
  const current = await bookIsCurrent(db, monthEnd);
  const marked = await sql`insert into loan_month_end_books (month_end) values (${monthEnd})
    on conflict do nothing returning month_end`.execute(db);
  if (marked.rows.length === 0) return;
  await sql`insert into loan_month_end_buckets (month_end, loan_id, bucket)
    select ${monthEnd}::date, id, ${BUCKET} from ${bookAsOf(monthEnd, current)} b where state = 'active'`.execute(
    db,
  );
}
