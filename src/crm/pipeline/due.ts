import { addDays, compareDates, type PlainDate } from '../../kernel/index.ts';
import type { Stage, TaskKind } from './settings.ts';

/** The business calendar the pipeline reads (wealth's trading calendar: weekdays less holidays). */
export interface BusinessDays {
  isTradingDay(date: PlainDate): boolean;
  /** The first business day strictly after `date`. */
  next(date: PlainDate): PlainDate;
}
export type BusinessCalendar = (around: PlainDate) => Promise<BusinessDays>;

/** What a stage asks for: the kind of its task and the day it is due, or no task. */
export interface TaskPlan {
  readonly kind: TaskKind;
  readonly dueOn: PlainDate;
}

function onOrAfter(days: BusinessDays, date: PlainDate): PlainDate {
  return days.isTradingDay(date) ? date : days.next(date);
}

/**
 * The follow-up a stage creates, dated on the business calendar from today's business date:
 * interested: the next business day (follow up fast, within one business day);
 * hesitating: a week on, moved to a business day;
 * not now: the last business day on or before the date they expect to buy, never before tomorrow's.
 */
export async function planTask(
  calendar: BusinessCalendar,
  stage: Stage,
  today: PlainDate,
  expectedOn: PlainDate | null,
): Promise<TaskPlan | null> {
  switch (stage) {
    case 'interested': {
      const days = await calendar(today);
      return { kind: 'follow_up', dueOn: days.next(today) };
    }
    case 'hesitating': {
      const days = await calendar(today);
      return { kind: 'nurture', dueOn: onOrAfter(days, addDays(today, 7)) };
    }
    case 'not_now': {
      if (expectedOn === null) return null;
      const days = await calendar(expectedOn);
      const earliest = (await calendar(today)).next(today);
      let day = expectedOn;
      for (let i = 0; i < 30 && !days.isTradingDay(day); i++) day = addDays(day, -1);
      return { kind: 'check_in', dueOn: compareDates(day, earliest) < 0 ? earliest : day };
    }
    case 'definitely_not':
      return null;
  }
}

/**
 * The instant a task falls due: `hour` o'clock on its day in the business time zone. Asia/Shanghai
 * has kept UTC+8 without daylight saving since 1991, so the offset is fixed.
 */
export function dueInstant(dueOn: PlainDate, hour: number): Date {
  return new Date(Date.parse(`${dueOn}T00:00:00+08:00`) + hour * 3_600_000);
}
