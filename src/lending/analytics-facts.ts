import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { addDays, type PlainDate } from '../kernel/index.ts';

/**
 * Read-only, set-based facts of the marketplace and the loan book for operations analytics
 * (src/analytics/areas/marketplace.ts and risk.ts). Every query takes a business date and depends
 * only on what was true at its end: events are dated by their business-date column where the table
 * has one (start_date, loan_repayments / loan_advances / loan_write_offs.business_date, charged_on),
 * otherwise by their timestamp's date in Asia/Shanghai (listed_at, full_at, a note's closed_at).
 *
 * The loan book as of a past date is recomputed from lending's journals, not read from `loans.dpd`
 * (which holds the last ageing only): a loan's principal outstanding is what was disbursed less the
 * principal allocated by repayments dated up to the date (exactly the postings of the ledger's
 * principal receivable, which moves only at disbursement, principal repayment and write-off), and
 * its days past due are counted from the oldest instalment due by then and not paid by then, as the
 * ageing step counts them.
 */

/** The instants a business date spans in Asia/Shanghai (UTC+8, no daylight saving): [start, end). */
export function businessDayBounds(date: PlainDate): { start: Date; end: Date } {
  const start = new Date(`${date}T00:00:00+08:00`);
  return { start, end: new Date(start.getTime() + 86_400_000) };
}

/** A loan's term as a dimension code: months as a number ("12"), days with a d ("30d"). */
const TERM = sql<string>`case when term_unit = 'day' then term::text || 'd' else term::text end`;

export interface GradeTermCount {
  readonly grade: string;
  readonly term: string;
  readonly count: number;
  readonly amount: bigint;
}

export interface FilledListing {
  readonly grade: string;
  readonly term: string;
  /** From listing to full, in milliseconds. */
  readonly fillMs: bigint;
  /** Distinct investors whose bids funded it. */
  readonly investors: number;
}

export interface MarketplaceDay {
  /** Listings opened on the date (listed_at), by grade and term. */
  readonly opened: readonly GradeTermCount[];
  /** Listings filled on the date (full_at), by grade and term. */
  readonly filled: readonly GradeTermCount[];
  /** Each listing filled in the 30 days to the date, with its time to fill and its investors. */
  readonly filled30: readonly FilledListing[];
  /** Loans disbursed on the date (start_date), by grade and term. */
  readonly disbursed: readonly GradeTermCount[];
  /** Bids posted into loans disbursed on the date, by grade and source (manual, auto). */
  readonly invested: readonly { grade: string; source: string; amount: bigint }[];
  /** Loans disbursed in the 30 days to the date, by grade: principal and Σ principal × annual rate (exact decimal). */
  readonly disbursed30: readonly { grade: string; principal: bigint; weightedRate: string }[];
  /** Notes sold on the secondary market on the date (closed_at): trades, principal, price. */
  readonly secondaryDay: { trades: number; principal: bigint; price: bigint };
  /** The same over the 30 days to the date. */
  readonly secondary30: { trades: number; principal: bigint; price: bigint };
}

function gradeTerm(rows: { grade: string; term: string; n: number; amount: bigint | string }[]) {
  return rows.map((r) => ({ grade: r.grade, term: r.term, count: r.n, amount: BigInt(r.amount) }));
}

/** The marketplace's facts of a business date, in a few aggregate statements. */
export async function marketplaceDay(db: Executor, date: PlainDate): Promise<MarketplaceDay> {
  const { start, end } = businessDayBounds(date);
  const from30 = addDays(date, -29);
  const start30 = businessDayBounds(from30).start;
  const opened = await sql<{ grade: string; term: string; n: number; amount: bigint }>`
    select grade, ${TERM} as term, count(*)::int as n, coalesce(sum(amount), 0)::int8 as amount from loans
    where listed_at >= ${start} and listed_at < ${end} group by 1, 2`.execute(db);
  const filled = await sql<{ grade: string; term: string; n: number; amount: bigint }>`
    select grade, ${TERM} as term, count(*)::int as n, coalesce(sum(amount), 0)::int8 as amount from loans
    where full_at >= ${start} and full_at < ${end} group by 1, 2`.execute(db);
  // Bids still held or posted (a released bid funded nothing); the loans filled by the date's end.
  const filled30 = await sql<{ grade: string; term: string; ms: string; investors: number }>`
    select l.grade, ${TERM} as term,
      (extract(epoch from (l.full_at - l.listed_at)) * 1000)::int8::text as ms,
      (select count(distinct b.investor_id)::int from loan_bids b
        where b.loan_id = l.id and b.status <> 'released') as investors
    from loans l where l.full_at >= ${start30} and l.full_at < ${end}`.execute(db);
  const disbursed = await sql<{ grade: string; term: string; n: number; amount: bigint }>`
    select grade, ${TERM} as term, count(*)::int as n, coalesce(sum(amount), 0)::int8 as amount from loans
    where start_date = ${date} group by 1, 2`.execute(db);
  const invested = await sql<{ grade: string; source: string; amount: bigint }>`
    select l.grade, b.source, sum(b.amount)::int8 as amount
    from loans l join loan_bids b on b.loan_id = l.id and b.status = 'posted'
    where l.start_date = ${date} group by 1, 2`.execute(db);
  const disbursed30 = await sql<{ grade: string; principal: bigint; weighted: string }>`
    select grade, sum(amount)::int8 as principal, sum(amount * annual_rate)::text as weighted from loans
    where start_date between ${from30} and ${date} group by 1`.execute(db);
  const secondary = await sql<{ day: boolean; n: number; principal: bigint; price: bigint }>`
    select closed_at >= ${start} as day, count(*)::int as n, coalesce(sum(principal), 0)::int8 as principal,
      coalesce(sum(price), 0)::int8 as price
    from note_listings where status = 'sold' and closed_at >= ${start30} and closed_at < ${end} group by 1`.execute(
    db,
  );
  const sum = (rows: typeof secondary.rows) => ({
    trades: rows.reduce((a, r) => a + r.n, 0),
    principal: rows.reduce((a, r) => a + BigInt(r.principal), 0n),
    price: rows.reduce((a, r) => a + BigInt(r.price), 0n),
  });
  return {
    opened: gradeTerm(opened.rows),
    filled: gradeTerm(filled.rows),
    filled30: filled30.rows.map((r) => ({
      grade: r.grade,
      term: r.term,
      fillMs: BigInt(r.ms),
      investors: r.investors,
    })),
    disbursed: gradeTerm(disbursed.rows),
    invested: invested.rows.map((r) => ({ grade: r.grade, source: r.source, amount: BigInt(r.amount) })),
    disbursed30: disbursed30.rows.map((r) => ({
      grade: r.grade,
      principal: BigInt(r.principal),
      weightedRate: r.weighted,
    })),
    secondaryDay: sum(secondary.rows.filter((r) => r.day)),
    secondary30: sum(secondary.rows),
  };
}

export interface ReserveDay {
  /** Principal and interest the reserve advanced on the date, as loan_advances records them. */
  readonly advances: bigint;
  /** Repayments allocated to the reserve (what it had advanced, recovered) on the date. */
  readonly reserveRecoveries: bigint;
  /** Principal written off on the date. */
  readonly writeOffs: bigint;
  /** Recovery payments (kind recovery: on loans written off) received on the date. */
  readonly recoveries: bigint;
}

export async function reserveDay(db: Executor, date: PlainDate): Promise<ReserveDay> {
  const rows = await sql<{ advances: bigint; reserve: bigint; write_offs: bigint; recoveries: bigint }>`
    select
      (select coalesce(sum(principal + interest), 0)::int8 from loan_advances where business_date = ${date}) as advances,
      (select coalesce(sum(a.amount), 0)::int8 from loan_allocations a join loan_repayments r on r.id = a.repayment_id
        where r.business_date = ${date} and a.owner = 'reserve') as reserve,
      (select coalesce(sum(principal), 0)::int8 from loan_write_offs where business_date = ${date}) as write_offs,
      (select coalesce(sum(amount), 0)::int8 from loan_repayments where business_date = ${date} and kind = 'recovery') as recoveries`.execute(
    db,
  );
  const r = rows.rows[0]!;
  return {
    advances: BigInt(r.advances),
    reserveRecoveries: BigInt(r.reserve),
    writeOffs: BigInt(r.write_offs),
    recoveries: BigInt(r.recoveries),
  };
}

/** What each loan repaid on a business date (any kind), for the loans given. One statement. */
export async function repaidOn(
  db: Executor,
  loanIds: readonly string[],
  date: PlainDate,
): Promise<Map<string, bigint>> {
  if (loanIds.length === 0) return new Map();
  const rows = await sql<{ loan_id: string; amount: bigint }>`
    select loan_id, sum(amount)::int8 as amount from loan_repayments
    where business_date = ${date} and loan_id = any(${[...loanIds]}::uuid[]) group by 1`.execute(db);
  return new Map(rows.rows.map((r) => [r.loan_id, BigInt(r.amount)]));
}
