import { assert } from './assert.ts';
import type { Currency } from './currency.ts';
import { err, ok, type Result } from './errors.ts';

/** An exact amount: integer minor units of one currency. Never a float. */
export interface Money {
  readonly minor: bigint;
  readonly currency: Currency;
}

/** The range of the int8 columns that hold amounts in PostgreSQL. */
export const MINOR_MAX = 9_223_372_036_854_775_807n;
export const MINOR_MIN = -9_223_372_036_854_775_808n;

export type AmountParseError =
  | 'amount_malformed'
  | 'amount_too_precise'
  | 'amount_must_not_be_negative'
  | 'amount_must_be_positive'
  | 'amount_out_of_range';

export interface ParseAmountOptions {
  /** Accept a leading minus sign. Off by default: most amounts in requests are positive quantities. */
  readonly allowNegative?: boolean;
  /** Accept zero. On by default. */
  readonly allowZero?: boolean;
}

// Plain decimal notation only: no exponent, no plus sign, no surrounding space, no leading zeros,
// no bare or trailing point. "0.50" and "12" are fine; "1e3", "+5", " 5", "05", "5." are not.
const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Parses a decimal string in major units ("1234.56") into minor units of the currency. */
export function parseAmount(
  text: string,
  currency: Currency,
  options: ParseAmountOptions = {},
): Result<bigint, AmountParseError> {
  // The length cap keeps a hostile megabyte-long digit string from reaching BigInt().
  if (typeof text !== 'string' || text.length > 48) return err('amount_malformed');
  const match = DECIMAL.exec(text);
  if (!match) return err('amount_malformed');
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > currency.exponent) return err('amount_too_precise');
  const digits = (whole ?? '') + fraction.padEnd(currency.exponent, '0');
  let minor = BigInt(digits);
  if (sign === '-') {
    if (!options.allowNegative) return err('amount_must_not_be_negative');
    // "-0" and "-0.00" name no amount that "0" does not: only the canonical form is accepted.
    if (minor === 0n) return err('amount_malformed');
    minor = -minor;
  }
  if (minor === 0n && options.allowZero === false) return err('amount_must_be_positive');
  if (minor > MINOR_MAX || minor < MINOR_MIN) return err('amount_out_of_range');
  return ok(minor);
}

/** Formats minor units as a plain decimal string in major units: 123456n CNY → "1234.56". */
export function formatAmount(minor: bigint, currency: Currency): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString();
  if (currency.exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(currency.exponent + 1, '0');
  const whole = padded.slice(0, padded.length - currency.exponent);
  const fraction = padded.slice(padded.length - currency.exponent);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Groups the whole part in threes for display: "1234567.80" → "1,234,567.80". */
export function formatAmountGrouped(minor: bigint, currency: Currency, separator = ','): string {
  const plain = formatAmount(minor, currency);
  const [whole = '', fraction] = plain.split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return (negative ? '-' : '') + grouped + (fraction === undefined ? '' : `.${fraction}`);
}

export function money(minor: bigint, currency: Currency): Money {
  return { minor, currency };
}

export function formatMoney(value: Money): string {
  return formatAmount(value.minor, value.currency);
}

function sameCurrency(a: Money, b: Money): void {
  assert(a.currency.code === b.currency.code, `currency mismatch: ${a.currency.code} vs ${b.currency.code}`);
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { minor: a.minor + b.minor, currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { minor: a.minor - b.minor, currency: a.currency };
}

/** True when the value fits the int8 columns amounts are stored in. */
export function fitsInt8(minor: bigint): boolean {
  return minor <= MINOR_MAX && minor >= MINOR_MIN;
}
