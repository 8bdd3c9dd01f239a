import { Decimal as DecimalJs } from 'decimal.js';
import { err, ok, type Result } from './errors.ts';
import { divideRounded, type RoundingMode } from './rounding.ts';

/**
 * Exact decimals for rates, ratios and other non-money quantities. Money itself is bigint minor units
 * (money.ts); a rate meets money only in `applyRate`, which rounds once, by a named mode.
 *
 * The Decimal constructor is a private clone of decimal.js with 60 significant digits, so that
 * products and quotients of realistic rates are exact and no other module's settings leak in.
 */
export const Decimal = DecimalJs.clone({
  precision: 60,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -60,
  toExpPos: 60,
});
export type Decimal = InstanceType<typeof Decimal>;

const PLAIN_DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

export type DecimalParseError = 'decimal_malformed' | 'decimal_must_not_be_negative';

/** Parses plain decimal notation ("0.1200"); no exponents, signs other than '-', or spaces. */
export function parseDecimal(
  text: string,
  options: { allowNegative?: boolean } = {},
): Result<Decimal, DecimalParseError> {
  if (typeof text !== 'string' || text.length > 64 || !PLAIN_DECIMAL.test(text))
    return err('decimal_malformed');
  if (text.startsWith('-') && !options.allowNegative) return err('decimal_must_not_be_negative');
  return ok(new Decimal(text));
}

/** Writes a decimal in plain notation with exactly `places` fraction digits, rounded half-up. */
export function formatDecimal(value: Decimal, places: number): string {
  return value.toFixed(places, DecimalJs.ROUND_HALF_UP);
}

/** Splits a finite decimal into an exact integer fraction numerator / 10^scale. */
export function toFraction(value: Decimal): { numerator: bigint; denominator: bigint } {
  const text = value.toFixed(); // plain notation, exact
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const numerator = BigInt(whole + fraction) * (negative ? -1n : 1n);
  return { numerator, denominator: 10n ** BigInt(fraction.length) };
}

/**
 * minor × rate, rounded to a whole minor unit by `mode`. Exact: the product is formed in integers,
 * so a 0.05% daily penalty on 9,000,000,000,000.00 is right to the cent.
 */
export function applyRate(minor: bigint, rate: Decimal, mode: RoundingMode): bigint {
  let fraction = fractions.get(rate);
  if (!fraction) {
    fraction = toFraction(rate);
    fractions.set(rate, fraction);
  }
  return divideRounded(minor * fraction.numerator, fraction.denominator, mode);
}

/**
 * A rate's fraction, kept while the rate lives: a decimal never changes, and a rate is usually
 * applied to many amounts in a row (the service fee on each of a thousand notes' interest), where
 * writing it out as text each time was most of the work.
 */
const fractions = new WeakMap<Decimal, { numerator: bigint; denominator: bigint }>();

/** Rounds a decimal to an integer (e.g. an amount already in minor units) by `mode`. */
export function roundToInteger(value: Decimal, mode: RoundingMode): bigint {
  const { numerator, denominator } = toFraction(value);
  return divideRounded(numerator, denominator, mode);
}
