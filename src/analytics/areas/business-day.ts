import { addDays, type PlainDate } from '../../kernel/index.ts';

/**
 * The instant a business date ends: midnight after it in Asia/Shanghai (the kernel's
 * BUSINESS_TIME_ZONE, UTC+8 all year, no daylight saving). What was posted before it was true at the
 * end of the date.
 */
export function endOfBusinessDate(date: PlainDate): Date {
  return new Date(`${addDays(date, 1)}T00:00:00+08:00`);
}
