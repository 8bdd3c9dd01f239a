import { BUSINESS_TIME_ZONE, dateInZone, type PlainDate } from '../kernel/index.ts';

/** "HH:MM", 00:00 to 23:59: the time of day the scheduler closes the business day. */
export const CLOSE_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/**
 * The scheduler's question: at `now`, with the day closing at `at` (local time in the business
 * time zone), up to which date should the day-close run? The calendar date once its closing time
 * has passed, else the day before; null when the business date is already past it.
 */
export function closeDue(
  now: Date,
  at: string,
  businessDate: PlainDate,
  timeZone = BUSINESS_TIME_ZONE,
): PlainDate | null {
  const today = dateInZone(now, timeZone);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(now);
  const through = time >= at ? today : dateInZone(new Date(now.getTime() - 86_400_000), timeZone);
  return businessDate <= through ? through : null;
}
