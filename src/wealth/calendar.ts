import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import {
  addDays,
  BUSINESS_TIME_ZONE,
  type Clock,
  conflict,
  dateInZone,
  fromEpochDay,
  invalid,
  isStorableText,
  notFound,
  type PlainDate,
  parseDate,
  toEpochDay,
} from '../kernel/index.ts';

/**
 * The trading calendar (交易日历): Monday to Friday, except the holidays operations enter. Orders
 * placed before the 15:00 cut-off (Asia/Shanghai) on a trading day trade that day; later, or on a
 * day without trading, on the next trading day. Kept in the database so that every process agrees.
 */
export const CUT_OFF = '15:00';

export interface Holiday {
  readonly date: PlainDate;
  readonly name: string;
}

/** Saturday or Sunday. */
export function isWeekend(date: PlainDate): boolean {
  // 1970-01-01 was a Thursday: epoch day 0 is weekday 4 (0 = Sunday).
  const weekday = (((toEpochDay(date) + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
}

/** The holidays in [from, to], as a set of dates. */
export async function holidaysBetween(db: Executor, from: PlainDate, to: PlainDate): Promise<Set<PlainDate>> {
  const rows = await sql<{ date: PlainDate }>`
    select date::text as date from wealth_holidays where date between ${from}::date and ${to}::date`.execute(
    db,
  );
  return new Set(rows.rows.map((r) => r.date));
}

/** Reads the calendar around dates and answers trading-day questions without another query. */
export class TradingDays {
  private constructor(private readonly holidays: ReadonlySet<PlainDate>) {}

  /** The calendar for questions about dates within [from − 0, from + days]. */
  static async around(db: Executor, from: PlainDate, days = 60): Promise<TradingDays> {
    return new TradingDays(await holidaysBetween(db, addDays(from, -days), addDays(from, days)));
  }

  isTradingDay(date: PlainDate): boolean {
    return !isWeekend(date) && !this.holidays.has(date);
  }

  /** The first trading day strictly after `date`. */
  next(date: PlainDate): PlainDate {
    let day = addDays(date, 1);
    for (let i = 0; i < 60 && !this.isTradingDay(day); i++) day = addDays(day, 1);
    return day;
  }

  /** The first trading day on or after `date`. */
  onOrAfter(date: PlainDate): PlainDate {
    return this.isTradingDay(date) ? date : this.next(date);
  }

  /** `n` trading days after `date` (n ≥ 0; 0 gives `date` itself). */
  add(date: PlainDate, n: number): PlainDate {
    let day = date;
    for (let i = 0; i < n; i++) day = this.next(day);
    return day;
  }

  /** Trading days in (from, to]. */
  between(from: PlainDate, to: PlainDate): number {
    let count = 0;
    for (let d = toEpochDay(from) + 1; d <= toEpochDay(to); d++)
      if (this.isTradingDay(fromEpochDay(d))) count++;
    return count;
  }
}

/**
 * The trade date of an order placed now: the business date when it is a trading day, the wall clock
 * in Shanghai is still on that date and before the cut-off; otherwise the next trading day after the
 * business date. (A business date the day-close has not yet moved counts as past its cut-off.)
 */
export function tradeDateOf(
  clock: Clock,
  days: TradingDays,
): { tradeDate: PlainDate; beforeCutOff: boolean } {
  const business = clock.businessDate();
  const now = clock.now();
  const wallDate = dateInZone(now, BUSINESS_TIME_ZONE);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: BUSINESS_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(now);
  const beforeCutOff = wallDate === business && time < CUT_OFF;
  if (beforeCutOff && days.isTradingDay(business)) return { tradeDate: business, beforeCutOff };
  return { tradeDate: days.next(business), beforeCutOff };
}

/** The holidays from `from` on (the calendar page), in date order. */
export async function listHolidays(db: Executor, from: PlainDate, limit = 366): Promise<Holiday[]> {
  const rows = await sql<Holiday>`select date::text as date, name from wealth_holidays
    where date >= ${from}::date order by date limit ${limit}`.execute(db);
  return rows.rows;
}

export function checkHolidayInput(date: string, name: string): PlainDate {
  const parsed = parseDate(date);
  if (!parsed.ok) throw invalid('date_malformed', 'a date is YYYY-MM-DD');
  if (isWeekend(parsed.value)) throw invalid('holiday_on_weekend', 'weekends are never trading days already');
  if (!name.trim() || name.length > 100 || !isStorableText(name))
    throw invalid('holiday_name_invalid', 'a holiday has a name of 1-100 characters');
  return parsed.value;
}

/**
 * Adds a holiday. A date already past (on or before the business date) cannot change: orders were
 * placed and priced by the calendar as it stood.
 */
export async function addHoliday(
  db: Executor,
  clock: Clock,
  input: { date: string; name: string; by: string | null },
): Promise<Holiday> {
  const date = checkHolidayInput(input.date, input.name);
  if (date <= clock.businessDate())
    throw conflict('holiday_in_the_past', 'only dates after the business date can be made holidays');
  // An order already placed trades, confirms or pays on the date by the calendar as it stood: a
  // fund's NAV is never published for a holiday, so such an order would wait for ever.
  const orders = await sql<{ n: bigint }>`select
      (select count(*) from wealth_mmf_orders where status = 'pending' and (trade_date = ${date} or settle_date = ${date}))
    + (select count(*) from wealth_fund_orders where status <> 'paid' and (trade_date = ${date} or confirm_date = ${date} or pay_date = ${date}))
    as n`.execute(db);
  const pending = orders.rows[0]?.n ?? 0n;
  if (pending > 0n)
    throw conflict(
      'holiday_has_orders',
      `${pending} order(s) not yet settled trade, confirm or pay on that date`,
      {
        orders: Number(pending),
      },
    );
  const inserted = await sql`insert into wealth_holidays (date, name, created_by, created_at)
    values (${date}, ${input.name.trim()}, ${input.by}, ${clock.now()}) on conflict (date) do nothing`.execute(
    db,
  );
  if (!inserted.numAffectedRows) throw conflict('holiday_exists', 'that date is a holiday already');
  return { date, name: input.name.trim() };
}

export async function removeHoliday(db: Executor, clock: Clock, dateText: string): Promise<Holiday> {
  const parsed = parseDate(dateText);
  if (!parsed.ok) throw invalid('date_malformed', 'a date is YYYY-MM-DD');
  if (parsed.value <= clock.businessDate())
    throw conflict('holiday_in_the_past', 'a holiday on or before the business date cannot be removed');
  const rows = await sql<Holiday>`delete from wealth_holidays where date = ${parsed.value}::date
    returning date::text as date, name`.execute(db);
  const row = rows.rows[0];
  if (!row) throw notFound('holiday_not_found', 'that date is not a holiday');
  return row;
}
