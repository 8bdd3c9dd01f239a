import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import type { AuditContext } from '../../identity/index.ts';
import {
  addDays,
  conflict,
  invalid,
  notFound,
  type PlainDate,
  parseDate,
  toEpochDay,
} from '../../kernel/index.ts';
import type { WealthContext } from '../context.ts';
import { getProduct, type Product } from '../products.ts';
import { formatPer10k, parsePer10k } from './yield.ts';

/** How far ahead of the business date an entry may be made. */
export const ENTRY_HORIZON_DAYS = 31;
/** The recent entries a new figure is compared with, and how far from their mean it may be. */
export const RECENT_ENTRIES = 7;
export const FAR_FRACTION_PERCENT = 50n;
/** The most days one listing covers. */
export const MAX_RANGE_DAYS = 366;

export interface IncomeEntry {
  readonly productId: string;
  readonly date: PlainDate;
  /** Ten-thousandths of a CNY per 10,000 units: 6543n is 0.6543. */
  readonly per10k: bigint;
  readonly enteredBy: string | null;
  readonly enteredAt: Date;
  readonly updatedBy: string | null;
  readonly updatedAt: Date;
  /** The business date of the close that credited it, if it did. */
  readonly creditedOn: PlainDate | null;
  /** A close is crediting it (or did): it can no longer change. */
  readonly locked: boolean;
  readonly holders: number | null;
  readonly eligibleUnits: bigint | null;
  readonly fundIncome: bigint | null;
  readonly distributed: bigint | null;
  readonly undistributed: bigint | null;
}

interface EntryRow {
  product_id: string;
  date: PlainDate;
  k: bigint;
  entered_by: string | null;
  entered_at: Date;
  updated_by: string | null;
  updated_at: Date;
  crediting_on: PlainDate | null;
  credited_on: PlainDate | null;
  holders: number | null;
  eligible_units: bigint | null;
  fund_income: bigint | null;
  distributed: bigint | null;
  undistributed: bigint | null;
}

const ENTRY_COLUMNS = sql`product_id, date::text as date, (per10k * 10000)::int8 as k, entered_by, entered_at,
  updated_by, updated_at, crediting_on::text as crediting_on, credited_on::text as credited_on, holders,
  eligible_units, fund_income, distributed, undistributed`;

function entryOf(r: EntryRow): IncomeEntry {
  return {
    productId: r.product_id,
    date: r.date,
    per10k: r.k,
    enteredBy: r.entered_by,
    enteredAt: r.entered_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
    creditedOn: r.credited_on,
    locked: r.crediting_on !== null || r.credited_on !== null,
    holders: r.holders,
    eligibleUnits: r.eligible_units,
    fundIncome: r.fund_income,
    distributed: r.distributed,
    undistributed: r.undistributed,
  };
}

export function entryJson(e: IncomeEntry) {
  return {
    date: e.date,
    per10k: formatPer10k(e.per10k),
    enteredBy: e.enteredBy,
    enteredAt: e.enteredAt.toISOString(),
    updatedBy: e.updatedBy,
    updatedAt: e.updatedAt.toISOString(),
    creditedOn: e.creditedOn,
    locked: e.locked,
  };
}

/**
 * The money-market fund an entry or a view is about: the one named, or, when none is named, the only
 * money-market fund there is (the platform's own, NETFIN-CASH, where several exist).
 */
export async function moneyMarketFund(
  db: Executor,
  productId?: string,
  lock?: 'update' | 'share',
): Promise<Product> {
  if (productId) {
    const product = await getProduct(db, productId, lock);
    if (product.kind !== 'money_market') throw notFound('product_not_found', 'no such money-market fund');
    return product;
  }
  const rows = await sql<{ id: string }>`select id from wealth_products where kind = 'money_market'
    order by (code = 'NETFIN-CASH') desc, created_at limit 2`.execute(db);
  if (rows.rows.length === 0) throw notFound('product_not_found', 'there is no money-market fund');
  return getProduct(db, rows.rows[0]!.id, lock);
}

export function parseRange(
  fromText: string | undefined,
  toText: string | undefined,
  today: PlainDate,
  defaultDays: number,
): { from: PlainDate; to: PlainDate } {
  const to = toText === undefined ? today : parseDate(toText);
  const toDate = typeof to === 'string' ? to : to.ok ? to.value : null;
  if (!toDate) throw invalid('date_malformed', 'a date is YYYY-MM-DD');
  const from = fromText === undefined ? addDays(toDate, -(defaultDays - 1)) : parseDate(fromText);
  const fromDate = typeof from === 'string' ? from : from.ok ? from.value : null;
  if (!fromDate) throw invalid('date_malformed', 'a date is YYYY-MM-DD');
  if (fromDate > toDate) throw invalid('range_invalid', '"from" is after "to"');
  if (toEpochDay(toDate) - toEpochDay(fromDate) + 1 > MAX_RANGE_DAYS)
    throw invalid('range_too_long', `a range covers at most ${MAX_RANGE_DAYS} days`);
  return { from: fromDate, to: toDate };
}

export async function entriesBetween(
  db: Executor,
  productId: string,
  from: PlainDate,
  to: PlainDate,
): Promise<IncomeEntry[]> {
  const rows = await sql<EntryRow>`select ${ENTRY_COLUMNS} from wealth_mmf_income
    where product_id = ${productId} and date between ${from}::date and ${to}::date order by date`.execute(db);
  return rows.rows.map(entryOf);
}

/** Whether `k` is more than 50% away from the mean of `recent` (exactly: |n·k − Σ| × 100 > 50 × Σ). */
export function farFromRecent(k: bigint, recent: readonly bigint[]): boolean {
  if (recent.length === 0) return false;
  const n = BigInt(recent.length);
  const sum = recent.reduce((a, b) => a + b, 0n);
  const gap = n * k - sum;
  return (gap < 0n ? -gap : gap) * 100n > FAR_FRACTION_PERCENT * sum;
}

/** The mean of ten-thousandths, rounded half up to four decimals, as text. */
function meanText(recent: readonly bigint[]): string {
  const n = BigInt(recent.length);
  const sum = recent.reduce((a, b) => a + b, 0n);
  return formatPer10k((2n * sum + n) / (2n * n));
}

/**
 * Enters (or corrects) the income per 10,000 units of a calendar date. Any date up to 31 days ahead
 * may be entered, in advance or caught up; an entry a close is crediting or has credited is fixed
 * (409 income_already_credited). A figure more than 50% away from the mean of the 7 entries before
 * the date is refused with 409 income_far_from_recent (its details carry the mean) unless
 * `confirmFar`. Audited, with the figure before a correction.
 */
export async function enterIncome(
  context: WealthContext,
  input: { date: string; per10k: string; productId?: string | undefined; confirmFar?: boolean | undefined },
  audit: AuditContext,
): Promise<{ entry: IncomeEntry; corrected: boolean }> {
  const parsed = parseDate(input.date);
  if (!parsed.ok) throw invalid('date_malformed', 'a date is YYYY-MM-DD');
  const date = parsed.value;
  const k = parsePer10k(input.per10k);
  if (k === null)
    throw invalid('per10k_malformed', 'income per 10,000 units has four decimals, 0.0000 to 99.9999');
  const today = context.clock.businessDate();
  if (date > addDays(today, ENTRY_HORIZON_DAYS))
    throw invalid('income_date_too_far', `income may be entered at most ${ENTRY_HORIZON_DAYS} days ahead`);
  return inTransaction(context.db, async (trx) => {
    // The fund's row serialises entries of one fund (rare writes; the far check reads the others).
    const product = await moneyMarketFund(trx, input.productId, 'update');
    const before = await sql<EntryRow>`select ${ENTRY_COLUMNS} from wealth_mmf_income
      where product_id = ${product.id} and date = ${date} for update`.execute(trx);
    const existing = before.rows[0] ? entryOf(before.rows[0]) : null;
    if (existing?.locked)
      throw conflict(
        'income_already_credited',
        'the income of that date has been credited and cannot change',
        {
          date,
          per10k: formatPer10k(existing.per10k),
        },
      );
    const recentRows = await sql<{ k: bigint }>`select (per10k * 10000)::int8 as k from wealth_mmf_income
      where product_id = ${product.id} and date < ${date} order by date desc limit ${RECENT_ENTRIES}`.execute(
      trx,
    );
    const recent = recentRows.rows.map((r) => r.k);
    if (!input.confirmFar && farFromRecent(k, recent))
      throw conflict('income_far_from_recent', 'the figure is far from the recent entries: confirm it', {
        per10k: formatPer10k(k),
        mean: meanText(recent),
        entries: recent.length,
      });
    const now = context.clock.now();
    const by = audit.principal.userId;
    const written = existing
      ? await sql<EntryRow>`update wealth_mmf_income set per10k = ${formatPer10k(k)}::numeric, updated_by = ${by}, updated_at = ${now}
          where product_id = ${product.id} and date = ${date} returning ${ENTRY_COLUMNS}`.execute(trx)
      : await sql<EntryRow>`insert into wealth_mmf_income (product_id, date, per10k, entered_by, entered_at, updated_by, updated_at)
          values (${product.id}, ${date}, ${formatPer10k(k)}::numeric, ${by}, ${now}, ${by}, ${now})
          returning ${ENTRY_COLUMNS}`.execute(trx);
    const entry = entryOf(written.rows[0]!);
    await context.identity.audit(
      audit,
      {
        action: existing ? 'wealth.mmf_income_corrected' : 'wealth.mmf_income_entered',
        subjectType: 'wealth_mmf_income',
        subjectId: `${product.code}:${date}`,
        ...(existing ? { before: { per10k: formatPer10k(existing.per10k) } } : {}),
        after: { per10k: formatPer10k(k) },
        details: {
          productId: product.id,
          confirmedFar: Boolean(input.confirmFar && farFromRecent(k, recent)),
          ...(recent.length > 0 ? { recentMean: meanText(recent) } : {}),
        },
      },
      trx,
    );
    return { entry, corrected: existing !== null };
  });
}
