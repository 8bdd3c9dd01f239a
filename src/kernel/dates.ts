import { assert } from './assert.ts';
import { err, ok, type Result } from './errors.ts';

/**
 * A calendar date with no time and no zone ("2025-01-31"), the unit of the business day. Kept as its
 * ISO string, which sorts correctly, travels through JSON and PostgreSQL `date` columns unchanged,
 * and compares with === . Arithmetic goes through the epoch-day number (days since 1970-01-01) with
 * the proleptic Gregorian calendar, so no time zone or daylight-saving change can shift a date.
 */
export type PlainDate = string & { readonly __plainDate: unique symbol };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function parseDate(text: string): Result<PlainDate, 'date_malformed'> {
  if (typeof text !== 'string') return err('date_malformed');
  const match = ISO_DATE.exec(text);
  if (!match) return err('date_malformed');
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return err('date_malformed');
  return ok(text as PlainDate);
}

/** Asserts the text is a valid date: for values from trusted places (the database, constants). */
export function plainDate(text: string): PlainDate {
  const parsed = parseDate(text);
  assert(parsed.ok, `not a date: ${text}`);
  return parsed.value;
}

export function dateParts(date: PlainDate): { year: number; month: number; day: number } {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

export function fromParts(year: number, month: number, day: number): PlainDate {
  assert(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month), 'invalid date parts');
  const y = String(year).padStart(4, '0');
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` as PlainDate;
}

// Howard Hinnant's days-from-civil algorithm: exact integer arithmetic over the Gregorian calendar.
export function toEpochDay(date: PlainDate): number {
  const { year, month, day } = dateParts(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromEpochDay(epochDay: number): PlainDate {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fromParts(year, month, day);
}

export function addDays(date: PlainDate, days: number): PlainDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/**
 * Adds calendar months, clamping to the end of the target month: 2025-01-31 + 1 month = 2025-02-28.
 * Always computed from the original date, so a schedule anchored on the 31st returns to the 31st
 * in months that have one (use `addMonths(start, k)`, not repeated `addMonths(previous, 1)`).
 */
export function addMonths(date: PlainDate, months: number): PlainDate {
  assert(Number.isInteger(months), 'months must be an integer');
  const { year, month, day } = dateParts(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return fromParts(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/** Whole days from `start` to `end` (negative when end is earlier). */
export function daysBetween(start: PlainDate, end: PlainDate): number {
  return toEpochDay(end) - toEpochDay(start);
}

export function compareDates(a: PlainDate, b: PlainDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function endOfMonth(date: PlainDate): PlainDate {
  const { year, month } = dateParts(date);
  return fromParts(year, month, daysInMonth(year, month));
}

/** The calendar date at `instant` in an IANA time zone (netfin's business zone is Asia/Shanghai). */
export function dateInZone(instant: Date, timeZone: string): PlainDate {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .formatToParts(instant)
    .reduce<Record<string, string>>((acc, part) => {
      acc[part.type] = part.value;
      return acc;
    }, {});
  return plainDate(`${parts.year}-${parts.month}-${parts.day}`);
}

export type DayCount = 'actual/365' | 'actual/360' | '30/360';
export const DAY_COUNTS: readonly DayCount[] = ['actual/365', 'actual/360', '30/360'];

/**
 * The year fraction from `start` to `end` under a day-count convention, as an exact fraction
 * days / basis. 30/360 is the US (bond basis) rule: a 31st start counts as the 30th, and a 31st end
 * counts as the 30th when the start is the 30th or 31st.
 */
export function yearFraction(
  start: PlainDate,
  end: PlainDate,
  convention: DayCount,
): { days: number; basis: number } {
  switch (convention) {
    case 'actual/365':
      return { days: daysBetween(start, end), basis: 365 };
    case 'actual/360':
      return { days: daysBetween(start, end), basis: 360 };
    case '30/360': {
      const a = dateParts(start);
      const b = dateParts(end);
      const d1 = Math.min(a.day, 30);
      const d2 = b.day === 31 && d1 === 30 ? 30 : b.day;
      return { days: 360 * (b.year - a.year) + 30 * (b.month - a.month) + (d2 - d1), basis: 360 };
    }
  }
}
