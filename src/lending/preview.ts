import {
  CNY,
  DAY_COUNTS,
  type DayCount,
  Decimal,
  formatAmount,
  invalid,
  type PlainDate,
  parseAmount,
  parseDate,
  parseDecimal,
  ruleViolation,
} from '../kernel/index.ts';
import {
  annualPercentageRate,
  type BorrowingCosts,
  type LoanTerms,
  type PricingProduct,
  priceLoan,
  received,
} from './apr.ts';
import { buildSchedule, REPAYMENT_METHODS, type RepaymentMethod, type Schedule } from './schedule.ts';

/**
 * A schedule preview from text (the API's query string, the CLI's options): every value checked and
 * refused with a code, then the schedule with amounts as decimal strings and the APR (apr.ts): what
 * the borrower receives (the principal less the upfront fee and the reserve contribution given)
 * against every instalment with the period fee given. The rows show principal and interest only.
 */
export interface PreviewInput {
  readonly principal: string;
  readonly annualRate: string;
  readonly term: string | number;
  readonly termUnit?: string | undefined;
  readonly method: string;
  readonly dayCount?: string | undefined;
  readonly start?: string | undefined;
  readonly upfrontFee?: string | undefined;
  readonly reserveContribution?: string | undefined;
  readonly periodFee?: string | undefined;
}

export interface SchedulePreview {
  readonly installments: {
    period: number;
    dueDate: PlainDate;
    principal: string;
    interest: string;
    total: string;
    remainingPrincipal: string;
  }[];
  readonly totalInterest: string;
  readonly totalPayable: string;
  readonly apr: string;
}

export function previewSchedule(input: PreviewInput, today: PlainDate): SchedulePreview {
  const principal = parseAmount(input.principal, CNY);
  if (!principal.ok) throw invalid(principal.error, 'the principal is an amount in yuan such as 10000.00');
  if (principal.value <= 0n) throw invalid('amount_must_be_positive', 'the principal must be more than zero');
  const rate = parseDecimal(input.annualRate);
  if (!rate.ok || rate.value.isNegative() || rate.value.gt(10))
    throw invalid('rate_malformed', 'the annual rate is a decimal such as 0.12');
  const term = Number(input.term);
  if (!Number.isInteger(term) || term < 1 || term > 3650)
    throw invalid('term_invalid', 'the term is a whole number of months (or days)');
  const termUnit = input.termUnit ?? 'month';
  if (termUnit !== 'month' && termUnit !== 'day')
    throw invalid('term_unit_invalid', 'the term unit is month or day');
  if (!(REPAYMENT_METHODS as readonly string[]).includes(input.method))
    throw invalid('method_invalid', `the method is one of ${REPAYMENT_METHODS.join(', ')}`);
  const method = input.method as RepaymentMethod;
  if (termUnit === 'day' && method !== 'bullet')
    throw ruleViolation('term_unit_needs_bullet', 'a term in days repays by the bullet method');
  if (termUnit === 'month' && term > 600) throw invalid('term_invalid', 'at most 600 months');
  const dayCount = (input.dayCount ?? '30/360') as DayCount;
  if (!DAY_COUNTS.includes(dayCount))
    throw invalid('day_count_invalid', `the day count is one of ${DAY_COUNTS.join(', ')}`);
  let start = today;
  if (input.start !== undefined) {
    const parsed = parseDate(input.start);
    if (!parsed.ok) throw invalid('date_malformed', 'the start is a date such as 2025-01-15');
    start = parsed.value;
  }
  const costs = parseCosts(input, principal.value);
  const schedule = buildSchedule({
    principal: principal.value,
    annualRate: new Decimal(rate.value),
    ...(termUnit === 'month' ? { termMonths: term } : { termDays: term }),
    method,
    dayCount,
    startDate: start,
    rounding: 'half_up',
    currency: CNY,
  });
  const apr = annualPercentageRate({ principal: principal.value, costs, schedule, method, startDate: start });
  return presentSchedule(schedule, apr);
}

/** Fees in yuan, each optional; what is deducted at disbursement must leave the borrower something. */
function parseCosts(input: PreviewInput, principal: bigint): BorrowingCosts {
  const fee = (text: string | undefined, name: string) => {
    if (text === undefined) return 0n;
    const parsed = parseAmount(text, CNY, { allowZero: true });
    if (!parsed.ok) throw invalid(parsed.error, `the ${name} is an amount in yuan such as 240.00`);
    return parsed.value;
  };
  const costs = {
    upfrontFee: fee(input.upfrontFee, 'upfront fee'),
    reserveContribution: fee(input.reserveContribution, 'reserve contribution'),
    periodFee: fee(input.periodFee, 'period fee'),
  };
  if (received(principal, costs) <= 0n)
    throw ruleViolation(
      'fee_out_of_range',
      'the upfront fee and reserve contribution must be below the principal',
    );
  if (costs.periodFee >= principal)
    throw ruleViolation('fee_out_of_range', 'the period fee must be below the principal');
  return costs;
}

/**
 * A listing's or a loan's schedule as its product makes it (its day count and rounding), with the APR
 * of all its costs: the same figures disbursement records.
 */
export function loanPreview(
  terms: LoanTerms,
  product: PricingProduct,
  startDate: PlainDate,
): SchedulePreview {
  const { schedule, apr } = priceLoan(terms, product, startDate);
  return presentSchedule(schedule, apr);
}

/** A schedule as the API and the CLI show it: amounts as decimal strings of yuan, with its APR. */
export function presentSchedule(schedule: Schedule, apr: string): SchedulePreview {
  const f = (minor: bigint) => formatAmount(minor, CNY);
  return {
    installments: schedule.installments.map((i) => ({
      period: i.period,
      dueDate: i.dueDate,
      principal: f(i.principal),
      interest: f(i.interest),
      total: f(i.total),
      remainingPrincipal: f(i.remainingPrincipal),
    })),
    totalInterest: f(schedule.totalInterest),
    totalPayable: f(schedule.totalPayable),
    apr,
  };
}
