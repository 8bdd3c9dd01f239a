import { z } from 'zod';
import {
  addDays,
  CNY,
  DAY_COUNTS,
  type DayCount,
  type Decimal,
  daysBetween,
  formatAmount,
  invalid,
  type PlainDate,
  parseAmount,
  parseDate,
  parseDecimal,
  ruleViolation,
} from '../../kernel/index.ts';
import { registerTermsValidator } from '../products.ts';

/**
 * A fixed-term product's terms (定期理财), stored as JSON on its product row, amounts as decimal
 * strings of CNY and rates as decimal fractions ("0.0450" is 4.50% a year):
 * - raiseStart..raiseEnd: the raising period (business dates, both included);
 * - valueDate: the first day of interest (起息日), after raiseEnd; maturityDate: the day the
 *   product ends (interest counts from valueDate up to but not including maturityDate);
 * - annualRate and dayCount (actual/365 unless stated);
 * - minTotal (the raise fails below it), maxTotal (the cap in total), minPurchase, step (a purchase
 *   is minPurchase + k × step), perInvestorCap;
 * - earlyRedemption: null (not allowed), { mode: 'reduced_rate', rate } (interest for the days held
 *   at that lower rate) or { mode: 'fee', feeRate } (interest at the stated rate, less a fee of
 *   feeRate × principal).
 */
export interface FixedTerms {
  readonly annualRate: string;
  readonly dayCount: DayCount;
  readonly raiseStart: PlainDate;
  readonly raiseEnd: PlainDate;
  readonly valueDate: PlainDate;
  readonly maturityDate: PlainDate;
  readonly minTotal: string;
  readonly maxTotal: string;
  readonly minPurchase: string;
  readonly step: string;
  readonly perInvestorCap: string;
  readonly earlyRedemption: EarlyRedemption | null;
}
export type EarlyRedemption = { mode: 'reduced_rate'; rate: string } | { mode: 'fee'; feeRate: string };

/** The terms with amounts in minor units and rates as decimals, for computing. */
export interface FixedTermsParsed {
  readonly annualRate: Decimal;
  readonly dayCount: DayCount;
  readonly raiseStart: PlainDate;
  readonly raiseEnd: PlainDate;
  readonly valueDate: PlainDate;
  readonly maturityDate: PlainDate;
  readonly minTotal: bigint;
  readonly maxTotal: bigint;
  readonly minPurchase: bigint;
  readonly step: bigint;
  readonly perInvestorCap: bigint;
  readonly earlyRedemption:
    | { mode: 'reduced_rate'; rate: Decimal }
    | { mode: 'fee'; feeRate: Decimal }
    | null;
}

/** The longest term a product may have, value date to maturity. */
export const MAX_TERM_DAYS = 3660;
/** The largest amount in terms: 1,000,000,000,000.00 CNY, so that every sum and interest fits in int8. */
export const MAX_TERMS_AMOUNT = 100_000_000_000_000n;

const text = z.string().max(64);
const schema = z
  .object({
    annualRate: text,
    dayCount: z.enum(DAY_COUNTS as [DayCount, ...DayCount[]]).default('actual/365'),
    raiseStart: text,
    raiseEnd: text,
    valueDate: text,
    maturityDate: text,
    minTotal: text,
    maxTotal: text,
    minPurchase: text,
    step: text,
    perInvestorCap: text,
    earlyRedemption: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('reduced_rate'), rate: text }).strict(),
        z.object({ mode: z.literal('fee'), feeRate: text }).strict(),
      ])
      .nullable()
      .default(null),
  })
  .strict();

function date(value: string, field: string): PlainDate {
  const parsed = parseDate(value);
  if (!parsed.ok) throw invalid('terms_malformed', `${field} is a date, YYYY-MM-DD`, { field });
  return parsed.value;
}

function amount(value: string, field: string): bigint {
  const parsed = parseAmount(value, CNY, { allowZero: false });
  if (!parsed.ok) {
    if (parsed.error === 'amount_must_be_positive')
      throw ruleViolation('terms_amount_not_positive', `${field} must be more than zero`, { field });
    throw invalid('terms_malformed', `${field} is an amount of CNY, e.g. "1000.00"`, {
      field,
      error: parsed.error,
    });
  }
  if (parsed.value > MAX_TERMS_AMOUNT)
    throw ruleViolation('terms_amount_too_large', `${field} is at most 1000000000000.00`, { field });
  return parsed.value;
}

function rate(value: string, field: string): Decimal {
  const parsed = parseDecimal(value);
  if (!parsed.ok)
    throw invalid('terms_malformed', `${field} is a decimal fraction, e.g. "0.0450"`, { field });
  if (parsed.value.decimalPlaces() > 8)
    throw invalid('terms_malformed', `${field} has at most 8 decimal places`, { field });
  return parsed.value;
}

/** Parses stored (or sent) terms: 400 terms_malformed for their shape, 422 for inconsistent ones. */
export function parseFixedTerms(terms: unknown): FixedTermsParsed {
  const shaped = schema.safeParse(terms);
  if (!shaped.success)
    throw invalid('terms_malformed', 'the terms of a fixed-term product are malformed', {
      issues: shaped.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  const t = shaped.data;
  const parsed: FixedTermsParsed = {
    annualRate: rate(t.annualRate, 'annualRate'),
    dayCount: t.dayCount,
    raiseStart: date(t.raiseStart, 'raiseStart'),
    raiseEnd: date(t.raiseEnd, 'raiseEnd'),
    valueDate: date(t.valueDate, 'valueDate'),
    maturityDate: date(t.maturityDate, 'maturityDate'),
    minTotal: amount(t.minTotal, 'minTotal'),
    maxTotal: amount(t.maxTotal, 'maxTotal'),
    minPurchase: amount(t.minPurchase, 'minPurchase'),
    step: amount(t.step, 'step'),
    perInvestorCap: amount(t.perInvestorCap, 'perInvestorCap'),
    earlyRedemption:
      t.earlyRedemption === null
        ? null
        : t.earlyRedemption.mode === 'reduced_rate'
          ? { mode: 'reduced_rate', rate: rate(t.earlyRedemption.rate, 'earlyRedemption.rate') }
          : { mode: 'fee', feeRate: rate(t.earlyRedemption.feeRate, 'earlyRedemption.feeRate') },
  };
  checkConsistent(parsed);
  return parsed;
}

function checkConsistent(t: FixedTermsParsed): void {
  if (t.annualRate.lte(0) || t.annualRate.gt(1))
    throw ruleViolation('terms_rate_out_of_range', 'annualRate is more than 0 and at most 1 (100%)');
  if (t.raiseEnd < t.raiseStart)
    throw ruleViolation('terms_dates_out_of_order', 'raising ends on or after the day it starts');
  if (t.valueDate < addDays(t.raiseEnd, 1))
    throw ruleViolation('terms_dates_out_of_order', 'the value date is after the end of raising');
  if (t.maturityDate <= t.valueDate)
    throw ruleViolation('terms_dates_out_of_order', 'the maturity date is after the value date');
  if (daysBetween(t.valueDate, t.maturityDate) > MAX_TERM_DAYS)
    throw ruleViolation('terms_term_too_long', `a term is at most ${MAX_TERM_DAYS} days`);
  if (t.maxTotal < t.minTotal)
    throw ruleViolation('terms_caps_inconsistent', 'maxTotal is at least minTotal');
  if (t.minPurchase > t.perInvestorCap)
    throw ruleViolation('terms_caps_inconsistent', 'perInvestorCap is at least minPurchase');
  if (t.perInvestorCap > t.maxTotal)
    throw ruleViolation('terms_caps_inconsistent', 'perInvestorCap is at most maxTotal');
  const early = t.earlyRedemption;
  if (early?.mode === 'reduced_rate' && early.rate.gte(t.annualRate))
    throw ruleViolation('terms_early_rate_not_reduced', 'the early-redemption rate is below the annual rate');
  if (early?.mode === 'fee' && (early.feeRate.lte(0) || early.feeRate.gte(1)))
    throw ruleViolation(
      'terms_early_fee_out_of_range',
      'the early-redemption fee rate is more than 0 and less than 1',
    );
}

const yuan = (minor: bigint) => formatAmount(minor, CNY);

/** The canonical JSON of parsed terms (what is stored). */
export function fixedTermsJson(t: FixedTermsParsed): FixedTerms {
  return {
    annualRate: t.annualRate.toFixed(),
    dayCount: t.dayCount,
    raiseStart: t.raiseStart,
    raiseEnd: t.raiseEnd,
    valueDate: t.valueDate,
    maturityDate: t.maturityDate,
    minTotal: yuan(t.minTotal),
    maxTotal: yuan(t.maxTotal),
    minPurchase: yuan(t.minPurchase),
    step: yuan(t.step),
    perInvestorCap: yuan(t.perInvestorCap),
    earlyRedemption:
      t.earlyRedemption === null
        ? null
        : t.earlyRedemption.mode === 'reduced_rate'
          ? { mode: 'reduced_rate', rate: t.earlyRedemption.rate.toFixed() }
          : { mode: 'fee', feeRate: t.earlyRedemption.feeRate.toFixed() },
  };
}

/**
 * The validator the product workflow calls for fixed_term drafts: consistent terms whose raising has
 * not ended before the business date (a raise already over could take no purchase).
 */
export function validateFixedTerms(terms: unknown, check: { businessDate: string }): Record<string, unknown> {
  const parsed = parseFixedTerms(terms);
  if (parsed.raiseEnd < check.businessDate)
    throw ruleViolation('terms_raise_over', 'raising would end before today', {
      raiseEnd: parsed.raiseEnd,
      businessDate: check.businessDate,
    });
  return fixedTermsJson(parsed) as unknown as Record<string, unknown>;
}

registerTermsValidator('fixed_term', validateFixedTerms);
