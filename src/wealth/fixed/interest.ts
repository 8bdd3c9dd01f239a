import {
  type DayCount,
  type Decimal,
  divideRounded,
  type PlainDate,
  type RoundingMode,
  toFraction,
  yearFraction,
} from '../../kernel/index.ts';

/**
 * Fixed-term interest is simple interest on the principal for the days from `start` (included) to
 * `end` (excluded) under the product's day count, rounded once, half-up to the cent (四舍五入):
 *   interest = principal × rate × days ÷ basis.
 */
export const INTEREST_ROUNDING: RoundingMode = 'half_up';

export function simpleInterest(
  principal: bigint,
  rate: Decimal,
  start: PlainDate,
  end: PlainDate,
  dayCount: DayCount,
): { days: number; basis: number; interest: bigint } {
  if (end <= start) return { days: 0, basis: dayCount === 'actual/365' ? 365 : 360, interest: 0n };
  const { days, basis } = yearFraction(start, end, dayCount);
  const { numerator, denominator } = toFraction(rate);
  const interest = divideRounded(
    principal * numerator * BigInt(days),
    denominator * BigInt(basis),
    INTEREST_ROUNDING,
  );
  return { days, basis, interest };
}
