import {
  addDays,
  addMonths,
  assert,
  type Currency,
  type DayCount,
  Decimal,
  daysBetween,
  divideRounded,
  type PlainDate,
  type RoundingMode,
  roundToInteger,
  toFraction,
  yearFraction,
} from '../kernel/index.ts';

/**
 * Repayment schedules, exact to the minor unit. Interest for a period is the outstanding principal
 * times the annual rate times the period's year fraction under the day count (under 30/360 every
 * month is exactly 1/12), rounded once per period by the product's rounding mode; the last instalment
 * takes whatever principal is left, so the principal parts always sum to the loan exactly. Due dates
 * are computed from the start date (a loan starting on the 31st is due on the 28th or 29th in
 * February, and on the 31st again in March).
 *
 * - equal_installment (等额本息): a level payment A = P·r / (1 − (1+r)^−n), r = annual rate / 12,
 *   rounded to the minor unit; each period's principal is A less its interest.
 * - equal_principal (等额本金): the principal in equal parts (rounded; the last takes the rest), plus
 *   the period's interest.
 * - interest_first (先息后本): interest each period, all principal with the last.
 * - bullet (到期还本付息): principal and interest at maturity, interest by days.
 */
export const REPAYMENT_METHODS = [
  'equal_installment',
  'equal_principal',
  'interest_first',
  'bullet',
] as const;
export type RepaymentMethod = (typeof REPAYMENT_METHODS)[number];

export interface ScheduleInput {
  readonly principal: bigint;
  readonly annualRate: Decimal;
  /** Months; for a bullet loan, use termDays instead for a term in days. */
  readonly termMonths?: number;
  readonly termDays?: number;
  readonly method: RepaymentMethod;
  readonly dayCount: DayCount;
  readonly startDate: PlainDate;
  readonly rounding: RoundingMode;
  readonly currency: Currency;
  /**
   * For a schedule rebuilt mid-life (after a partial prepayment): the periods already gone. Period 1
   * of the result then runs from startDate + offset months, so due dates keep their day of month.
   */
  readonly offsetMonths?: number;
}

export interface Installment {
  readonly period: number;
  readonly dueDate: PlainDate;
  readonly principal: bigint;
  readonly interest: bigint;
  readonly total: bigint;
  readonly remainingPrincipal: bigint;
}

export interface Schedule {
  readonly installments: Installment[];
  readonly totalInterest: bigint;
  readonly totalPayable: bigint;
}

/** principal × rate × days / basis, rounded once. */
function interestFor(
  principal: bigint,
  rate: Decimal,
  days: number,
  basis: number,
  mode: RoundingMode,
): bigint {
  const { numerator, denominator } = toFraction(rate);
  return divideRounded(principal * numerator * BigInt(days), denominator * BigInt(basis), mode);
}

/** A month under 30/360 is exactly 1/12 of a year, whatever the calendar (31 Jan → 28 Feb included). */
function periodInterest(input: ScheduleInput, principal: bigint, from: PlainDate, to: PlainDate): bigint {
  const { days, basis } =
    input.dayCount === '30/360' ? { days: 30, basis: 360 } : yearFraction(from, to, input.dayCount);
  return interestFor(principal, input.annualRate, days, basis, input.rounding);
}

function levelPayment(input: ScheduleInput, n: number): bigint {
  const r = input.annualRate.div(12);
  if (r.isZero()) return roundToInteger(new Decimal(input.principal.toString()).div(n), input.rounding);
  const factor = r.div(new Decimal(1).minus(r.plus(1).pow(-n)));
  return roundToInteger(new Decimal(input.principal.toString()).times(factor), input.rounding);
}

export function buildSchedule(input: ScheduleInput): Schedule {
  assert(input.principal > 0n, 'a schedule needs a positive principal');
  const installments: Installment[] = [];
  if (input.method === 'bullet') {
    const due =
      input.termDays !== undefined
        ? addDays(input.startDate, input.termDays)
        : addMonths(input.startDate, input.termMonths ?? 1);
    const { days, basis } =
      input.dayCount === '30/360' && input.termDays === undefined
        ? yearFraction(input.startDate, due, '30/360')
        : { days: daysBetween(input.startDate, due), basis: input.dayCount === 'actual/360' ? 360 : 365 };
    const interest = interestFor(input.principal, input.annualRate, days, basis, input.rounding);
    installments.push({
      period: 1,
      dueDate: due,
      principal: input.principal,
      interest,
      total: input.principal + interest,
      remainingPrincipal: 0n,
    });
  } else {
    const n = input.termMonths ?? 0;
    assert(Number.isInteger(n) && n >= 1, 'a monthly schedule needs a term of at least one month');
    const payment = input.method === 'equal_installment' ? levelPayment(input, n) : 0n;
    const equalPart =
      input.method === 'equal_principal'
        ? roundToInteger(new Decimal(input.principal.toString()).div(n), input.rounding)
        : 0n;
    const offset = input.offsetMonths ?? 0;
    let remaining = input.principal;
    let previous = addMonths(input.startDate, offset);
    for (let period = 1; period <= n; period++) {
      const dueDate = addMonths(input.startDate, offset + period);
      const interest = periodInterest(input, remaining, previous, dueDate);
      let principal: bigint;
      if (period === n) principal = remaining;
      else if (input.method === 'equal_installment') principal = payment - interest;
      else if (input.method === 'equal_principal') principal = equalPart;
      else principal = 0n;
      // A payment too small for the interest (a rate so low the rounding dominates) repays nothing.
      if (principal < 0n) principal = 0n;
      if (principal > remaining) principal = remaining;
      remaining -= principal;
      installments.push({
        period,
        dueDate,
        principal,
        interest,
        total: principal + interest,
        remainingPrincipal: remaining,
      });
      previous = dueDate;
    }
  }
  const totalInterest = installments.reduce((sum, i) => sum + i.interest, 0n);
  return { installments, totalInterest, totalPayable: input.principal + totalInterest };
}

/**
 * The internal rate of return of cash flows on dates, as an effective annual rate (XIRR, actual/365):
 * solved by Newton's method in 40-digit decimals. `flows[0]` is the money out (negative).
 */
export function xirr(flows: readonly { date: PlainDate; amount: bigint }[]): Decimal {
  assert(flows.length >= 2, 'an IRR needs at least two cash flows');
  const start = flows[0]!.date;
  const D = Decimal.clone({ precision: 40 });
  const terms = flows.map((f) => ({
    t: new D(daysBetween(start, f.date)).div(365),
    v: new D(f.amount.toString()),
  }));
  let rate = new D('0.1');
  for (let iteration = 0; iteration < 100; iteration++) {
    let value = new D(0);
    let slope = new D(0);
    for (const { t, v } of terms) {
      const discount = rate.plus(1).pow(t.neg());
      value = value.plus(v.times(discount));
      slope = slope.minus(v.times(t).times(discount).div(rate.plus(1)));
    }
    if (slope.isZero()) break;
    const next = rate.minus(value.div(slope));
    if (next.minus(rate).abs().lt('1e-20')) return new Decimal(next.toFixed(30));
    rate = next.lte(-0.99) ? new D('-0.99') : next;
  }
  return new Decimal(rate.toFixed(30));
}

/**
 * Interest on `principal` from one date to another (a partial period: interest to date at a
 * prepayment, accrued interest when a note is sold), by the day count, rounded once; never negative.
 */
export function interestBetween(
  principal: bigint,
  annualRate: Decimal,
  from: PlainDate,
  to: PlainDate,
  dayCount: DayCount,
  rounding: RoundingMode,
): bigint {
  if (to <= from || principal <= 0n) return 0n;
  const { days, basis } = yearFraction(from, to, dayCount);
  return days > 0 ? interestFor(principal, annualRate, days, basis, rounding) : 0n;
}
