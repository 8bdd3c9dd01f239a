import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CNY, Decimal, formatAmount, type PlainDate, plainDate } from '../kernel/index.ts';
import { annualPercentageRate, NO_COSTS } from './apr.ts';
import { buildSchedule, REPAYMENT_METHODS, type ScheduleInput } from './schedule.ts';

const base: ScheduleInput = {
  principal: 1_000_000n,
  annualRate: new Decimal('0.12'),
  termMonths: 12,
  method: 'equal_installment',
  dayCount: '30/360',
  startDate: plainDate('2025-01-15'),
  rounding: 'half_up',
  currency: CNY,
};
const yuan = (minor: bigint) => formatAmount(minor, CNY);

describe('repayment schedules', () => {
  it('equal instalments: 10,000.00 at 12% over 12 months pays 888.49 a month (the published figure)', () => {
    const s = buildSchedule(base);
    expect(s.installments.slice(0, 11).every((i) => i.total === 88_849n)).toBe(true);
    expect(s.installments[0]).toMatchObject({
      dueDate: '2025-02-15',
      interest: 10_000n,
      principal: 78_849n,
      remainingPrincipal: 921_151n,
    });
    expect(s.installments.reduce((a, i) => a + i.principal, 0n)).toBe(1_000_000n);
    // Closed form: 12 × 888.4879 − 10,000 = 661.85. Rounding each month's interest to the cent (as the
    // ledger charges it) gives 661.86 here, and the last payment (888.47) absorbs the difference.
    let remaining = 1_000_000n;
    let interest = 0n;
    for (let k = 0; k < 12; k++) {
      const i = (remaining + 50n) / 100n; // 1% of the outstanding, half up
      interest += i;
      remaining -= k === 11 ? remaining : 88_849n - i;
    }
    expect(s.totalInterest).toBe(interest);
    expect(yuan(s.totalInterest)).toBe('661.86');
    expect(s.installments[11]!.total).toBe(88_847n);
    expect(s.installments[11]!.remainingPrincipal).toBe(0n);
  });

  it('equal principal: 833.33 a month with falling interest, 650.00 in all', () => {
    const s = buildSchedule({ ...base, method: 'equal_principal' });
    expect(s.installments[0]).toMatchObject({ principal: 83_333n, interest: 10_000n });
    expect(s.installments[11]!.principal).toBe(83_337n);
    // Σ interest = 1% × Σ outstanding; with the rounding per period it is 650.00 to the cent here.
    expect(yuan(s.totalInterest)).toBe('650.00');
  });

  it('interest first: 100.00 a month, the principal with the last', () => {
    const s = buildSchedule({ ...base, method: 'interest_first' });
    expect(s.installments.slice(0, 11).every((i) => i.principal === 0n && i.interest === 10_000n)).toBe(true);
    expect(s.installments[11]).toMatchObject({ principal: 1_000_000n, interest: 10_000n, total: 1_010_000n });
  });

  it('bullet by days: 30 days at 12% actual/365 is 98.63 of interest', () => {
    const s = buildSchedule({
      ...base,
      method: 'bullet',
      termMonths: undefined,
      termDays: 30,
      dayCount: 'actual/365',
    });
    expect(s.installments).toHaveLength(1);
    expect(s.installments[0]).toMatchObject({
      dueDate: '2025-02-14',
      principal: 1_000_000n,
      interest: 9_863n,
    });
  });

  it('clamps due dates to the end of the month and comes back to the 31st', () => {
    const s = buildSchedule({ ...base, startDate: plainDate('2024-01-31'), termMonths: 4 });
    expect(s.installments.map((i) => i.dueDate)).toEqual([
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
    ]);
  });

  it('charges actual days under actual/365', () => {
    const s = buildSchedule({
      ...base,
      method: 'interest_first',
      dayCount: 'actual/365',
      startDate: plainDate('2025-01-15'),
      termMonths: 2,
    });
    // 31 days then 28 days on 10,000.00 at 12%.
    expect(s.installments.map((i) => i.interest)).toEqual([10_192n, 9_205n]);
  });

  it('discloses an APR equal to the nominal rate without fees, and higher with an upfront fee', () => {
    const s = buildSchedule(base);
    const apr = (upfrontFee: bigint) =>
      new Decimal(
        annualPercentageRate({
          principal: 1_000_000n,
          costs: { ...NO_COSTS, upfrontFee },
          schedule: s,
          method: base.method,
          startDate: base.startDate,
        }),
      );
    expect(apr(0n).minus('0.12').abs().lt('0.0001')).toBe(true);
    const withFee = apr(10_000n);
    expect(withFee.gt('0.13')).toBe(true);
    expect(withFee.lt('0.14')).toBe(true);
  });

  it('always repays the principal exactly, never leaves a negative part, for any loan', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 100n, max: 10n ** 10n }),
        fc.integer({ min: 0, max: 3600 }).map((bp) => new Decimal(bp).div(10_000)),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(...REPAYMENT_METHODS),
        fc.constantFrom('30/360' as const, 'actual/365' as const, 'actual/360' as const),
        fc
          .integer({ min: 18000, max: 22000 })
          .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10) as PlainDate),
        (principal, annualRate, termMonths, method, dayCount, startDate) => {
          const s = buildSchedule({
            ...base,
            principal,
            annualRate,
            termMonths,
            method,
            dayCount,
            startDate,
          });
          expect(s.installments.reduce((a, i) => a + i.principal, 0n)).toBe(principal);
          for (const i of s.installments) {
            expect(i.principal >= 0n && i.interest >= 0n).toBe(true);
            expect(i.total).toBe(i.principal + i.interest);
          }
          expect(s.installments[s.installments.length - 1]!.remainingPrincipal).toBe(0n);
        },
      ),
      { numRuns: 500 },
    );
  });
});
