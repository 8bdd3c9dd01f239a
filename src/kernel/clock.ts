import { dateInZone, type PlainDate } from './dates.ts';

/**
 * Domain code never reads Date.now(): it asks a Clock, so that tests and the day-close job control
 * time. `now()` is the wall clock; `businessDate()` is the date the platform is open for business,
 * which the day-close batch advances and which can lag the calendar.
 */
export interface Clock {
  now(): Date;
  businessDate(): PlainDate;
  /** The day-close batch moves the business date (kept in the database) and tells the clock. */
  setBusinessDate(date: PlainDate): void;
}

export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

/**
 * The wall clock, and the business date as the database last said. Until the platform has read its
 * business calendar it answers the calendar date in the business time zone.
 */
export function systemClock(timeZone = BUSINESS_TIME_ZONE): Clock {
  let date: PlainDate | null = null;
  return {
    now: () => new Date(),
    businessDate: () => date ?? dateInZone(new Date(), timeZone),
    setBusinessDate: (next) => {
      date = next;
    },
  };
}

/** A clock for tests and simulations: time moves only when told to. */
export class ManualClock implements Clock {
  private instant: number;
  private date: PlainDate;

  constructor(start: Date, businessDate?: PlainDate) {
    this.instant = start.getTime();
    this.date = businessDate ?? dateInZone(start, BUSINESS_TIME_ZONE);
  }

  now(): Date {
    return new Date(this.instant);
  }

  businessDate(): PlainDate {
    return this.date;
  }

  advanceMs(ms: number): void {
    this.instant += ms;
  }

  advanceSeconds(seconds: number): void {
    this.instant += seconds * 1000;
  }

  setBusinessDate(date: PlainDate): void {
    this.date = date;
  }
}
