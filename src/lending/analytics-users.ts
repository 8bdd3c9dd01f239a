import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only, set-based facts for the users dashboard (analytics, issue 19): investments (investor
 * notes acquired: bids settled at a disbursement, and notes bought on the secondary market) and
 * loans disbursed, by business date, and each user's first of them. An assigned credit draw's loan
 * is not a new loan (the customer borrowed at the draw; credit counts it).
 */
export interface UserOrders {
  readonly count: number;
  readonly amount: bigint;
}

export interface UserFirstDate {
  readonly userId: string;
  readonly firstOn: PlainDate;
}

/** Investor notes acquired on `date` (acquired_on, the business date): how many, principal bought. */
export async function noteInvestmentsOn(db: Executor, date: PlainDate): Promise<UserOrders> {
  const rows = await sql<{ n: bigint; amount: bigint | null }>`
    select count(*)::int8 as n, sum(original_principal)::int8 as amount from loan_notes
    where kind = 'investor' and origin in ('disbursement', 'purchase') and acquired_on = ${date}::date`.execute(
    db,
  );
  return { count: Number(rows.rows[0]!.n), amount: BigInt(rows.rows[0]!.amount ?? 0n) };
}

/**
 * Investors' first note dates: of everyone (no `on`), or of those who acquired a note on `on`. The
 * first date is over the investor's whole history, so it is the true first date whatever is asked.
 */
export async function firstNoteDates(db: Executor, on?: PlainDate): Promise<UserFirstDate[]> {
  const rows = await sql<{ user_id: string; first_on: string }>`
    select holder_id as user_id, min(acquired_on)::text as first_on from loan_notes n
    where kind = 'investor' and origin in ('disbursement', 'purchase')
      and ${on === undefined ? sql`true` : sql`holder_id in (select holder_id from loan_notes where kind = 'investor' and acquired_on = ${on}::date)`}
    group by holder_id`.execute(db);
  return rows.rows.map((r) => ({ userId: r.user_id, firstOn: r.first_on as PlainDate }));
}

const NOT_ASSIGNED_DRAW = sql`not exists (select 1 from loan_applications a where a.id = l.application_id and a.credit_plan_id is not null)`;

/** Loans disbursed on `date` (start_date, the business date of the disbursement): how many, principal. */
export async function loansDisbursedOn(db: Executor, date: PlainDate): Promise<UserOrders> {
  const rows = await sql<{ n: bigint; amount: bigint | null }>`
    select count(*)::int8 as n, sum(amount)::int8 as amount from loans l
    where start_date = ${date}::date and disbursed_at is not null and ${NOT_ASSIGNED_DRAW}`.execute(db);
  return { count: Number(rows.rows[0]!.n), amount: BigInt(rows.rows[0]!.amount ?? 0n) };
}

/** Borrowers' first disbursement dates: of everyone, or of those with a loan disbursed on `on`. */
export async function firstLoanDates(db: Executor, on?: PlainDate): Promise<UserFirstDate[]> {
  const rows = await sql<{ user_id: string; first_on: string }>`
    select borrower_id as user_id, min(start_date)::text as first_on from loans l
    where start_date is not null and disbursed_at is not null and ${NOT_ASSIGNED_DRAW}
      and ${on === undefined ? sql`true` : sql`borrower_id in (select borrower_id from loans where start_date = ${on}::date)`}
    group by borrower_id`.execute(db);
  return rows.rows.map((r) => ({ userId: r.user_id, firstOn: r.first_on as PlainDate }));
}
