import { describe, expect, it } from 'vitest';
import type { PlainDate } from '../kernel/index.ts';
import { CLOSE_TIME, closeDue } from './schedule.ts';

const d = (text: string) => text as PlainDate;

describe('the day-close schedule', () => {
  it('closes the calendar date once its closing time has passed in Shanghai', () => {
    // 23:30 in Shanghai on 2026-03-10 is 15:30 UTC.
    expect(closeDue(new Date('2026-03-10T15:30:00Z'), '23:00', d('2026-03-10'))).toBe('2026-03-10');
    expect(closeDue(new Date('2026-03-10T14:59:00Z'), '23:00', d('2026-03-10'))).toBeNull();
  });

  it('catches up on dates left open, and does nothing once the business date is ahead', () => {
    expect(closeDue(new Date('2026-03-10T14:59:00Z'), '23:00', d('2026-03-07'))).toBe('2026-03-09');
    expect(closeDue(new Date('2026-03-10T15:30:00Z'), '23:00', d('2026-03-11'))).toBeNull();
  });

  it('reads the time in the business time zone, not UTC', () => {
    // 00:30 UTC is 08:30 in Shanghai: a close at 02:00 is due for that Shanghai date.
    expect(closeDue(new Date('2026-03-10T00:30:00Z'), '02:00', d('2026-03-10'))).toBe('2026-03-10');
    expect(closeDue(new Date('2026-03-10T00:30:00Z'), '09:00', d('2026-03-10'))).toBeNull();
  });

  it('accepts HH:MM only', () => {
    for (const ok of ['00:00', '23:59', '09:05']) expect(CLOSE_TIME.test(ok)).toBe(true);
    for (const bad of ['24:00', '9:05', '12:60', '1200']) expect(CLOSE_TIME.test(bad)).toBe(false);
  });
});
