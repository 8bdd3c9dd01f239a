/**
 * Amounts stay decimal strings from the API to the screen: never a JavaScript number, so nothing is
 * rounded by a float. Formatting only groups the digits and pads the minor units.
 */
import type { Money } from './api.ts';

const DIGITS: Record<string, number> = { CNY: 2, USD: 2, EUR: 2, HKD: 2, JPY: 0, KRW: 0 };

export function minorDigits(currency: string): number {
  return DIGITS[currency] ?? 2;
}

/** "1234567.5" → "1,234,567.50" (CNY); keeps a leading minus; never rounds (extra digits are kept). */
export function formatDecimal(text: string, digits = 2): string {
  const negative = text.startsWith('-');
  const plain = negative ? text.slice(1) : text;
  const [whole = '0', fraction = ''] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const padded = fraction.length >= digits ? fraction : fraction.padEnd(digits, '0');
  return `${negative ? '-' : ''}${grouped}${padded ? `.${padded}` : ''}`;
}

const SYMBOLS: Record<string, string> = { CNY: '¥', USD: '$', EUR: '€', HKD: 'HK$', JPY: '¥' };

export function formatMoney(money: Money | null | undefined, options: { symbol?: boolean } = {}): string {
  if (!money) return '—';
  const text = formatDecimal(money.amount, minorDigits(money.currency));
  if (options.symbol === false) return `${text} ${money.currency}`;
  const symbol = SYMBOLS[money.currency];
  if (!symbol) return `${text} ${money.currency}`;
  return text.startsWith('-') ? `-${symbol}${text.slice(1)}` : `${symbol}${text}`;
}

/** "0.1200" → "12.00%": moves the point by string, not by multiplying a float. */
export function formatRate(rate: string | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined) return '—';
  const negative = rate.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? rate.slice(1) : rate).split('.');
  const shifted = `${whole}${fraction.padEnd(2, '0').slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = fraction.slice(2);
  const out = formatDecimal(`${shifted}${rest ? `.${rest}` : ''}`, digits);
  return `${negative ? '-' : ''}${trimTo(out, digits)}%`;
}

function trimTo(text: string, digits: number): string {
  const [whole, fraction = ''] = text.split('.');
  if (fraction.length <= digits) return text;
  // Display only: the rate is shown to `digits` places, cut rather than rounded.
  return digits === 0 ? `${whole}` : `${whole}.${fraction.slice(0, digits)}`;
}

/** The error code the API would give for this amount text, or undefined when it is well formed. */
export function amountProblem(text: string, currency: string, options: { allowZero?: boolean } = {}) {
  const value = text.trim();
  if (!/^(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(value)) return 'amount_malformed';
  const fraction = value.split('.')[1] ?? '';
  if (fraction.length > minorDigits(currency)) return 'amount_too_precise';
  if (!options.allowZero && /^0(\.0*)?$/.test(value)) return 'amount_must_be_positive';
  return undefined;
}

/** Compares two decimal strings exactly (no floats): -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const [aw = '0', af = ''] = a.split('.');
  const [bw = '0', bf = ''] = b.split('.');
  const width = Math.max(af.length, bf.length);
  const x = BigInt(aw + af.padEnd(width, '0'));
  const y = BigInt(bw + bf.padEnd(width, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A percentage of progress for a bar: display only, so a float here is fine (it holds no money). */
export function progressPercent(part: Money, whole: Money): number {
  const digits = minorDigits(whole.currency);
  const toMinor = (text: string) => {
    const [w = '0', f = ''] = text.split('.');
    return BigInt(w + f.padEnd(digits, '0').slice(0, digits));
  };
  const total = toMinor(whole.amount);
  if (total === 0n) return 0;
  return Number((toMinor(part.amount) * 10000n) / total) / 100;
}
