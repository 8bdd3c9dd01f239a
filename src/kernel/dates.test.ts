import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dateInZone,
  daysBetween,
  fromEpochDay,
  type PlainDate,
  parseDate,
  plainDate,
  toEpochDay,
  yearFraction,
} from './dates.ts';

const d = plainDate;

describe('plain dates', () => {
  it('validates calendar dates', () => {
    expect(parseDate('2024-02-29').ok).toBe(true);
    expect(parseDate('2025-02-29').ok).toBe(false);
    expect(parseDate('2025-13-01').ok).toBe(false);
    expect(parseDate('2025-1-01').ok).toBe(false);
    expect(parseDate('2025-01-01T00:00').ok).toBe(false);
  });

  it('agrees with the JavaScript UTC calendar on epoch days', () => {
    fc.assert(
      fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (epochDay) => {
        const date = fromEpochDay(epochDay);
        const js = new Date(epochDay * 86_400_000);
        if (js.getUTCFullYear() >= 1 && js.getUTCFullYear() <= 9999) {
          expect(date).toBe(js.toISOString().slice(0, 10));
        }
        expect(toEpochDay(date)).toBe(epochDay);
      }),
      { numRuns: 5000 },
    );
  });

  it('adds months with end-of-month clamping', () => {
    expect(addMonths(d('2025-01-31'), 1)).toBe('2025-02-28');
    expect(addMonths(d('2024-01-31'), 1)).toBe('2024-02-29');
    expect(addMonths(d('2025-01-31'), 2)).toBe('2025-03-31');
    expect(addMonths(d('2025-03-31'), -1)).toBe('2025-02-28');
    expect(addMonths(d('2025-12-15'), 1)).toBe('2026-01-15');
    expect(addMonths(d('2025-01-15'), -13)).toBe('2023-12-15');
  });

  it('counts days and adds them', () => {
    expect(daysBetween(d('2024-02-28'), d('2024-03-01'))).toBe(2);
    expect(daysBetween(d('2025-02-28'), d('2025-03-01'))).toBe(1);
    expect(addDays(d('2025-12-31'), 1)).toBe('2026-01-01');
  });

  it('computes year fractions under each day count', () => {
    expect(yearFraction(d('2025-01-15'), d('2025-02-15'), 'actual/365')).toEqual({ days: 31, basis: 365 });
    expect(yearFraction(d('2025-01-15'), d('2025-02-15'), 'actual/360')).toEqual({ days: 31, basis: 360 });
    expect(yearFraction(d('2025-01-15'), d('2025-02-15'), '30/360')).toEqual({ days: 30, basis: 360 });
    expect(yearFraction(d('2025-01-31'), d('2025-03-31'), '30/360')).toEqual({ days: 60, basis: 360 });
    expect(yearFraction(d('2025-01-30'), d('2025-02-28'), '30/360')).toEqual({ days: 28, basis: 360 });
  });

  it('reads the business date in Shanghai, not in UTC', () => {
    expect(dateInZone(new Date('2025-06-30T16:30:00Z'), 'Asia/Shanghai')).toBe('2025-07-01');
    expect(dateInZone(new Date('2025-06-30T15:30:00Z'), 'Asia/Shanghai')).toBe('2025-06-30');
  });

  it('keeps month arithmetic within one month of the naive answer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: -240, max: 240 }),
        (day, months) => {
          const start = fromEpochDay(day) as PlainDate;
          const end = addMonths(start, months);
          const [y1, m1] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
          const [y2, m2] = [Number(end.slice(0, 4)), Number(end.slice(5, 7))];
          expect(y2 * 12 + m2 - (y1 * 12 + m1)).toBe(months);
          expect(Number(end.slice(8)) <= Number(start.slice(8))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
