import { assert, unreachable } from './assert.ts';

/**
 * Where a rate becomes money, the result is rounded to a whole minor unit by a named mode.
 * - half_up: ties away from zero (the usual commercial rounding, 四舍五入)
 * - half_even: ties to the even neighbour (banker's rounding)
 * - down: towards zero (truncate); up: away from zero
 * - floor / ceiling: towards negative / positive infinity
 */
export type RoundingMode = 'half_up' | 'half_even' | 'down' | 'up' | 'floor' | 'ceiling';

export const ROUNDING_MODES: readonly RoundingMode[] = [
  'half_up',
  'half_even',
  'down',
  'up',
  'floor',
  'ceiling',
];

/** numerator / denominator rounded to an integer by `mode`, in exact integer arithmetic. */
export function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  assert(denominator !== 0n, 'division by zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator; // truncates towards zero
  const remainder = numerator % denominator; // same sign as the numerator
  if (remainder === 0n) return quotient;
  const negative = numerator < 0n;
  const awayFromZero = negative ? quotient - 1n : quotient + 1n;
  const twiceRemainder = (remainder < 0n ? -remainder : remainder) * 2n;
  switch (mode) {
    case 'down':
      return quotient;
    case 'up':
      return awayFromZero;
    case 'floor':
      return negative ? awayFromZero : quotient;
    case 'ceiling':
      return negative ? quotient : awayFromZero;
    case 'half_up':
      return twiceRemainder >= denominator ? awayFromZero : quotient;
    case 'half_even':
      if (twiceRemainder > denominator) return awayFromZero;
      if (twiceRemainder < denominator) return quotient;
      return quotient % 2n === 0n ? quotient : awayFromZero;
    default:
      return unreachable(mode, 'unknown rounding mode');
  }
}
