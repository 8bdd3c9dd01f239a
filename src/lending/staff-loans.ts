import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { loanAccount } from './accounts.ts';
import { businessDayBounds } from './analytics-facts.ts';
import type { LoanStatus } from './loans.ts';

/**
 * The staff console's list of loans: every listing and loan, filtered the ways operations slice the
 * book (status, grade, product, vintage, days-past-due bucket, disbursement and listing dates,
 * reserve advances), newest first by id (uuidv7, so creation order) with a keyset cursor, and a total
 * counted up to a cap. Each row carries what a list needs and nothing personal: the borrower's id
 * and the name as the listing's summary already masks it. Principal outstanding comes from the
 * ledger's principal receivable (as servicing reads it), not from a second balance.
 */
export const DPD_BUCKETS = ['current', 'M1', 'M2', 'M3', 'M3+'] as const;
export type DpdBucket = (typeof DPD_BUCKETS)[number];

/** Days past due of each bucket, inclusive (the same cut-offs as bucketOf and analytics). */
const BUCKET_RANGES: Record<DpdBucket, readonly [number, number | null]> = {
  current: [Number.MIN_SAFE_INTEGER, 0],
  M1: [1, 30],
  M2: [31, 60],
  M3: [61, 90],
  'M3+': [91, null],
};

/** A count stops here: a page says "more than 10,000" rather than scan a whole book to be exact. */
export const STAFF_LOANS_COUNT_CAP = 10_000;

export interface StaffLoanFilter {
  readonly status?: readonly LoanStatus[];
  readonly grade?: string;
  readonly productId?: string;
  /** The origination month (of the start date), YYYY-MM. */
  readonly vintage?: string;
  readonly bucket?: readonly DpdBucket[];
  /** At least this many days past due (a vintage curve's 30+ or 90+). */
  readonly minDpd?: number;
  /** Loans the reserve has advanced on (true) or not (false). */
  readonly advanced?: boolean;
  /** Start (disbursement) business dates, inclusive. */
  readonly disbursedFrom?: PlainDate;
  readonly disbursedTo?: PlainDate;
  /** Listing dates (in Asia/Shanghai), inclusive. */
  readonly listedFrom?: PlainDate;
  readonly listedTo?: PlainDate;
}

export interface StaffLoanRow {
  readonly id: string;
  readonly productId: string;
  readonly productVersion: number;
  readonly grade: string;
  readonly amount: bigint;
  readonly annualRate: string;
  readonly term: number;
  readonly termUnit: 'month' | 'day';
  readonly status: LoanStatus;
  readonly listedAt: Date;
  readonly startDate: PlainDate | null;
  /** Null before disbursement; from the ledger's principal receivable after. */
  readonly principalOutstanding: bigint | null;
  readonly dpd: number;
  readonly bucket: DpdBucket;
  /** Distinct investors whose bids are held or posted. */
  readonly investors: number;
  /** From listing to full, in seconds; null while not full (or never). */
  readonly fillSeconds: number | null;
  readonly advanced: boolean;
  readonly borrower: { readonly id: string; readonly name: string | null };
}

export interface StaffLoanPage {
  readonly items: StaffLoanRow[];
  /** The cursor of the next page (the last id), or null on the last page. */
  readonly next: string | null;
  /** Loans matching the filter, counted up to STAFF_LOANS_COUNT_CAP (the page's length when not counted). */
  readonly total: number;
  /** Whether the total stopped at the cap (there are more). */
  readonly totalCapped: boolean;
}

const bucketOfDpd = (dpd: number): DpdBucket =>
  dpd <= 0 ? 'current' : dpd <= 30 ? 'M1' : dpd <= 60 ? 'M2' : dpd <= 90 ? 'M3' : 'M3+';

/** The first day of a YYYY-MM month and of the next. */
function monthBounds(vintage: string): { first: PlainDate; next: PlainDate } {
  const [year, month] = vintage.split('-').map(Number) as [number, number];
  const first = `${vintage}-01` as PlainDate;
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  return { first, next: next as PlainDate };
}

/**
 * The WHERE clause of a filter. Days-past-due bounds are literals (they come from the bucket table
 * or a validated integer) so that the planner can prove them against the partial index on overdue
 * loans (loans_overdue: where dpd > 0) when no bucket asked for includes current loans.
 */
function whereOf(filter: StaffLoanFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (filter.status?.length) parts.push(sql`l.status = any(${[...filter.status]}::text[])`);
  if (filter.grade) parts.push(sql`l.grade = ${filter.grade}`);
  if (filter.productId) parts.push(sql`l.product_id = ${filter.productId}`);
  if (filter.vintage) {
    const { first, next } = monthBounds(filter.vintage);
    parts.push(sql`l.start_date >= ${first}::date and l.start_date < ${next}::date`);
  }
  if (filter.bucket?.length) {
    const ranges = filter.bucket.map((b) => {
      const [low, high] = BUCKET_RANGES[b];
      return b === 'current'
        ? sql`l.dpd <= 0`
        : high === null
          ? sql`l.dpd >= ${sql.lit(low)}`
          : sql`(l.dpd >= ${sql.lit(low)} and l.dpd <= ${sql.lit(high)})`;
    });
    parts.push(sql`(${sql.join(ranges, sql` or `)})`);
    if (!filter.bucket.includes('current')) parts.push(sql`l.dpd > 0`);
  }
  if (filter.minDpd !== undefined) {
    const min = Math.trunc(filter.minDpd);
    parts.push(sql`l.dpd >= ${sql.lit(min)}`);
    if (min > 0) parts.push(sql`l.dpd > 0`);
  }
  if (filter.advanced !== undefined)
    parts.push(
      sql`${filter.advanced ? sql`` : sql`not`} exists (select 1 from loan_advances a where a.loan_id = l.id)`,
    );
  if (filter.disbursedFrom) parts.push(sql`l.start_date >= ${filter.disbursedFrom}::date`);
  if (filter.disbursedTo) parts.push(sql`l.start_date <= ${filter.disbursedTo}::date`);
  if (filter.listedFrom) parts.push(sql`l.listed_at >= ${businessDayBounds(filter.listedFrom).start}`);
  if (filter.listedTo) parts.push(sql`l.listed_at < ${businessDayBounds(filter.listedTo).end}`);
  return sql.join(parts, sql` and `);
}

/**
 * Whether the filter keeps the rows to a window of at most about a quarter's dates (a vintage, or a
 * disbursement or listing range with both ends). Such rows are then read through their date's index
 * and sorted (OFFSET 0 keeps the planner from merging the subquery): ids are uuidv7, in time order
 * like the dates, which the planner does not know; it would walk the primary key backwards from the
 * newest loan, through every loan newer than the window (0.4 s for a month two years back, on a
 * 200,000-loan book, against 20-60 ms this way).
 */
function narrowWindow(filter: StaffLoanFilter): boolean {
  const days = (from?: PlainDate, to?: PlainDate) =>
    from && to ? (Date.parse(to) - Date.parse(from)) / 86_400_000 : Number.POSITIVE_INFINITY;
  return (
    filter.vintage !== undefined ||
    days(filter.disbursedFrom, filter.disbursedTo) <= 92 ||
    days(filter.listedFrom, filter.listedTo) <= 92
  );
}

interface Row {
  id: string;
  product_id: string;
  product_version: number;
  grade: string;
  amount: bigint;
  annual_rate: string;
  term: number;
  term_unit: 'month' | 'day';
  status: LoanStatus;
  listed_at: Date;
  start_date: PlainDate | null;
  dpd: number;
  investors: number;
  fill_seconds: string | null;
  advanced: boolean;
  borrower_id: string;
  borrower_name: string | null;
}

/** One page of the staff list (`after`: the previous page's last id), with the capped total. */
export async function staffLoans(
  db: Executor,
  ledger: Ledger,
  filter: StaffLoanFilter,
  page: { limit: number; after?: string; count?: boolean },
): Promise<StaffLoanPage> {
  const where = whereOf(filter);
  const [rows, counted] = await Promise.all([
    sql<Row>`
      select l.id, l.product_id, l.product_version, l.grade, l.amount, l.annual_rate::text as annual_rate,
        l.term, l.term_unit, l.status, l.listed_at, l.start_date::text as start_date, l.dpd,
        (select count(distinct b.investor_id)::int from loan_bids b
          where b.loan_id = l.id and b.status <> 'released') as investors,
        case when l.full_at is null then null
          else floor(extract(epoch from (l.full_at - l.listed_at)))::int8::text end as fill_seconds,
        coalesce((select true from loan_advances a where a.loan_id = l.id limit 1), false) as advanced,
        l.borrower_id, l.borrower_summary->>'name' as borrower_name
      from ${
        narrowWindow(filter)
          ? sql`(select * from loans l where ${where} offset 0)`
          : sql`(select * from loans l where ${where})`
      } l
      where ${page.after ? sql`l.id < ${page.after}::uuid` : sql`true`}
      order by l.id desc limit ${page.limit}`.execute(db),
    page.count === false
      ? undefined
      : sql<{ n: number }>`
      select count(*)::int as n from (select 1 from loans l where ${where} limit ${STAFF_LOANS_COUNT_CAP + 1}) c`.execute(
          db,
        ),
  ]);
  const disbursed = rows.rows.filter((r) => r.start_date !== null).map((r) => r.id);
  const accounts = await ledger.lookupAccounts(
    disbursed.map((id) => loanAccount.principal(id)),
    { tx: db },
  );
  const principal = new Map(accounts.map((a) => [a.id, a.debitsPosted - a.creditsPosted]));
  const items = rows.rows.map(
    (r): StaffLoanRow => ({
      id: r.id,
      productId: r.product_id,
      productVersion: r.product_version,
      grade: r.grade,
      amount: BigInt(r.amount),
      annualRate: r.annual_rate,
      term: r.term,
      termUnit: r.term_unit,
      status: r.status,
      listedAt: r.listed_at,
      startDate: r.start_date,
      principalOutstanding: r.start_date === null ? null : (principal.get(loanAccount.principal(r.id)) ?? 0n),
      dpd: r.dpd,
      bucket: bucketOfDpd(r.dpd),
      investors: r.investors,
      fillSeconds: r.fill_seconds === null ? null : Number(r.fill_seconds),
      advanced: r.advanced,
      borrower: { id: r.borrower_id, name: r.borrower_name },
    }),
  );
  const total = counted?.rows[0]?.n ?? items.length;
  return {
    items,
    next: items.length === page.limit ? items[items.length - 1]!.id : null,
    total: Math.min(total, STAFF_LOANS_COUNT_CAP),
    totalCapped: total > STAFF_LOANS_COUNT_CAP,
  };
}

/** Every page of a filter, for an export (at most `max` rows). */
export async function allStaffLoans(
  db: Executor,
  ledger: Ledger,
  filter: StaffLoanFilter,
  max: number,
): Promise<StaffLoanRow[]> {
  const out: StaffLoanRow[] = [];
  let after: string | undefined;
  while (out.length < max) {
    const page = await staffLoans(db, ledger, filter, {
      limit: Math.min(500, max - out.length),
      count: false,
      ...(after ? { after } : {}),
    });
    out.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  return out;
}
