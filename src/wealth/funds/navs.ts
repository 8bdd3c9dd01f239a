import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { conflict, invalid, notFound, type PlainDate, parseDate, ruleViolation } from '../../kernel/index.ts';
import { TradingDays } from '../calendar.ts';
import type { Product } from '../products.ts';
import { productOfRow } from '../products.ts';

/**
 * Net asset values (单位净值) of distributed funds: one per fund and trading date, four places,
 * entered one at a time or imported from a CSV (all or nothing). A NAV that has priced an order
 * does not change.
 */
export interface NavPoint {
  readonly date: PlainDate;
  readonly nav: string;
}

const NAV_TEXT = /^(0|[1-9][0-9]{0,7})(\.[0-9]{1,4})?$/;

/** A NAV as text with exactly four places, or the problem with it. */
export function checkNav(text: string): { nav: string } | { problem: string } {
  if (typeof text !== 'string' || !NAV_TEXT.test(text)) return { problem: 'nav_malformed' };
  const [whole = '0', fraction = ''] = text.split('.');
  const nav = `${whole}.${fraction.padEnd(4, '0')}`;
  if (/^0\.0000$/.test(nav)) return { problem: 'nav_must_be_positive' };
  return { nav };
}

/** A mutual fund product by its id, product code or fund code (six digits); not drafts. */
export async function fundByRef(db: Executor, ref: string): Promise<Product> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const rows = await sql<Parameters<typeof productOfRow>[0]>`select * from wealth_products
    where kind = 'mutual_fund' and status in ('approved', 'published', 'closed')
      and ${uuid ? sql`id = ${ref}::uuid` : sql`(code = ${ref} or terms->>'fundCode' = ${ref})`}
    order by created_at limit 1`.execute(db);
  const row = rows.rows[0];
  if (!row) throw notFound('fund_not_found', 'no such mutual fund');
  return productOfRow(row);
}

export interface NavInput {
  readonly productId: string;
  readonly date: PlainDate;
  readonly nav: string;
}

/**
 * Problems with one NAV against the calendar and the business date (empty when none). The unknown-
 * price rule: orders before the cut-off trade at the day's NAV, so the day's NAV is refused until
 * its cut-off has passed (`beforeCutOff`: the business date is still before 15:00), and no one can
 * know the price an order will get before placing it.
 */
export function navDateProblems(
  days: TradingDays,
  today: PlainDate,
  date: PlainDate,
  beforeCutOff: boolean,
): string[] {
  if (date > today) return ['nav_date_in_future'];
  if (date === today && beforeCutOff) return ['nav_before_cut_off'];
  if (!days.isTradingDay(date)) return ['not_a_trading_day'];
  return [];
}

export type NavWrite = 'created' | 'unchanged' | 'changed';

/**
 * Writes NAVs in the caller's transaction: new ones inserted, equal ones left alone, different
 * ones changed unless an order was priced at them (409 nav_in_use naming them). Returns what
 * happened to each.
 */
export async function writeNavs(
  trx: Executor,
  inputs: readonly NavInput[],
  by: string | null,
  now: Date,
): Promise<NavWrite[]> {
  if (inputs.length === 0) return [];
  // Lock the NAVs first, then ask whether orders were priced at them: the confirmation step holds
  // the NAV rows it prices at (FOR SHARE), so the answer read after the lock is current.
  const existing = await sql<{ product_id: string; date: PlainDate; nav: string }>`
    select n.product_id, n.date::text as date, n.nav::text as nav
    from wealth_fund_navs n
    join unnest(${inputs.map((i) => i.productId)}::uuid[], ${inputs.map((i) => i.date)}::date[]) as w(p, d)
      on n.product_id = w.p and n.date = w.d
    order by n.product_id, n.date
    for update of n`.execute(trx);
  const usedRows = await sql<{ product_id: string; date: PlainDate }>`
    select distinct o.product_id, o.trade_date::text as date from wealth_fund_orders o
    join unnest(${existing.rows.map((r) => r.product_id)}::uuid[], ${existing.rows.map((r) => r.date)}::date[]) as w(p, d)
      on o.product_id = w.p and o.trade_date = w.d
    where o.nav is not null`.execute(trx);
  const used = new Set(usedRows.rows.map((r) => `${r.product_id}|${r.date}`));
  const known = new Map(
    existing.rows.map((r) => [
      `${r.product_id}|${r.date}`,
      { ...r, used: used.has(`${r.product_id}|${r.date}`) },
    ]),
  );
  const results: NavWrite[] = [];
  const inUse: { productId: string; date: string; nav: string; newNav: string }[] = [];
  for (const input of inputs) {
    const row = known.get(`${input.productId}|${input.date}`);
    if (!row) results.push('created');
    else if (row.nav === input.nav) results.push('unchanged');
    else {
      if (row.used)
        inUse.push({ productId: input.productId, date: input.date, nav: row.nav, newNav: input.nav });
      results.push('changed');
    }
  }
  if (inUse.length > 0)
    throw conflict('nav_in_use', 'orders were priced at this NAV: it cannot change', { navs: inUse });
  const toWrite = inputs.filter((_, i) => results[i] !== 'unchanged');
  if (toWrite.length > 0)
    await sql`insert into wealth_fund_navs (product_id, date, nav, entered_by, entered_at)
      select p, d, n, ${by}::uuid, ${now}
      from unnest(${toWrite.map((i) => i.productId)}::uuid[], ${toWrite.map((i) => i.date)}::date[],
                  ${toWrite.map((i) => i.nav)}::numeric[]) as w(p, d, n)
      on conflict (product_id, date) do update set nav = excluded.nav, entered_by = excluded.entered_by,
        entered_at = excluded.entered_at`.execute(trx);
  return results;
}

export interface CsvNavRow extends NavInput {
  readonly line: number;
  readonly fundCode: string;
}

const MAX_ROWS = 20_000;

/**
 * Parses a NAV file: a header naming fund code, date and NAV (in that order), then one NAV a line.
 * Every bad line is named with its number and problems (400 nav_import_invalid); nothing is written
 * unless every line is good.
 */
export async function parseNavCsv(
  db: Executor,
  text: string,
  today: PlainDate,
  beforeCutOff: boolean,
): Promise<CsvNavRow[]> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase().replace(/[\s_]/g, ''));
  if (header.length !== 3 || header[0] !== 'fundcode' || header[1] !== 'date' || header[2] !== 'nav')
    throw invalid('nav_import_invalid', 'the first line is the header: fund code,date,nav', {
      rows: [{ line: 1, problems: ['header_malformed'] }],
    });
  if (lines.length - 1 > MAX_ROWS) throw invalid('nav_import_too_large', `at most ${MAX_ROWS} lines at once`);
  const funds = await sql<{ id: string; fund_code: string }>`
    select id, terms->>'fundCode' as fund_code from wealth_products
    where kind = 'mutual_fund' and status in ('approved', 'published', 'closed') order by created_at`.execute(
    db,
  );
  const fundOf = new Map<string, string>();
  for (const f of funds.rows) if (!fundOf.has(f.fund_code)) fundOf.set(f.fund_code, f.id);
  const days = await TradingDays.around(db, today, 3700);
  const rows: CsvNavRow[] = [];
  const bad: { line: number; problems: string[] }[] = [];
  const seen = new Map<string, { line: number; nav: string }>();
  lines.slice(1).forEach((raw, index) => {
    const line = index + 2;
    if (raw.trim() === '') return;
    const cells = raw.split(',').map((c) => c.trim());
    const problems: string[] = [];
    if (cells.length !== 3) {
      bad.push({ line, problems: ['columns_malformed'] });
      return;
    }
    const [code, dateText, navText] = cells as [string, string, string];
    const productId = fundOf.get(code);
    if (!/^[0-9]{6}$/.test(code)) problems.push('fund_code_malformed');
    else if (!productId) problems.push('fund_not_found');
    const parsedDate = parseDate(dateText);
    if (!parsedDate.ok) problems.push('date_malformed');
    else problems.push(...navDateProblems(days, today, parsedDate.value, beforeCutOff));
    const nav = checkNav(navText);
    if ('problem' in nav) problems.push(nav.problem);
    if (problems.length === 0 && productId && parsedDate.ok && 'nav' in nav) {
      const key = `${productId}|${parsedDate.value}`;
      const earlier = seen.get(key);
      if (earlier && earlier.nav !== nav.nav) problems.push(`conflicts_with_line_${earlier.line}`);
      else if (!earlier) {
        seen.set(key, { line, nav: nav.nav });
        rows.push({ line, fundCode: code, productId, date: parsedDate.value, nav: nav.nav });
      }
    }
    if (problems.length > 0) bad.push({ line, problems });
  });
  if (bad.length > 0)
    throw invalid('nav_import_invalid', `${bad.length} line(s) are not right; nothing was imported`, {
      rows: bad.slice(0, 200),
    });
  if (rows.length === 0) throw ruleViolation('nav_import_empty', 'the file has no NAV lines');
  return rows;
}

/** A fund's NAVs in [from, to], oldest first. */
export async function navHistory(
  db: Executor,
  productId: string,
  from: PlainDate,
  to: PlainDate,
): Promise<NavPoint[]> {
  const rows = await sql<NavPoint>`select date::text as date, nav::text as nav from wealth_fund_navs
    where product_id = ${productId} and date between ${from}::date and ${to}::date order by date`.execute(db);
  return rows.rows;
}

/** Each fund's latest NAV on or before `date`. */
export async function latestNavs(
  db: Executor,
  productIds: readonly string[],
  date: PlainDate,
): Promise<Map<string, NavPoint>> {
  if (productIds.length === 0) return new Map();
  const rows = await sql<{ product_id: string; date: PlainDate; nav: string }>`
    select distinct on (product_id) product_id, date::text as date, nav::text as nav from wealth_fund_navs
    where product_id = any(${[...productIds]}::uuid[]) and date <= ${date}::date
    order by product_id, date desc`.execute(db);
  return new Map(rows.rows.map((r) => [r.product_id, { date: r.date, nav: r.nav }]));
}
