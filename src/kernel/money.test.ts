import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CNY, findCurrency, JPY } from './currency.ts';
import { formatAmount, formatAmountGrouped, MINOR_MAX, MINOR_MIN, parseAmount } from './money.ts';

const BHD = findCurrency('BHD')!;

describe('parseAmount', () => {
  it.each([
    ['0', CNY, 0n],
    ['0.5', CNY, 50n],
    ['0.05', CNY, 5n],
    ['1234.56', CNY, 123456n],
    ['12', CNY, 1200n],
    ['92233720368547758.07', CNY, MINOR_MAX],
    ['1234', JPY, 1234n],
    ['1.234', BHD, 1234n],
  ])('reads %s %s as %s minor units', (text, currency, minor) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, value: minor });
  });

  it.each([
    ['1.001', CNY, 'amount_too_precise'],
    ['1.5', JPY, 'amount_too_precise'],
    ['1.0', JPY, 'amount_too_precise'],
    ['-5', CNY, 'amount_must_not_be_negative'],
    ['1e3', CNY, 'amount_malformed'],
    ['0x10', CNY, 'amount_malformed'],
    [' 5', CNY, 'amount_malformed'],
    ['5 ', CNY, 'amount_malformed'],
    ['+5', CNY, 'amount_malformed'],
    ['05', CNY, 'amount_malformed'],
    ['5.', CNY, 'amount_malformed'],
    ['.5', CNY, 'amount_malformed'],
    ['', CNY, 'amount_malformed'],
    ['1,000.00', CNY, 'amount_malformed'],
    ['１２', CNY, 'amount_malformed'],
    ['NaN', CNY, 'amount_malformed'],
    ['Infinity', CNY, 'amount_malformed'],
    ['99999999999999999999999999', CNY, 'amount_out_of_range'],
    ['92233720368547758.08', CNY, 'amount_out_of_range'],
    ['9'.repeat(1_000_000), CNY, 'amount_malformed'],
  ])('refuses %j in %s with %s', (text, currency, code) => {
    expect(parseAmount(text, currency)).toEqual({ ok: false, error: code });
  });

  it('accepts a negative amount only when asked to, down to the int8 minimum', () => {
    expect(parseAmount('-0.01', CNY, { allowNegative: true })).toEqual({ ok: true, value: -1n });
    // A negative zero is not a canonical amount (found by the round-trip property below).
    expect(parseAmount('-0', CNY, { allowNegative: true })).toEqual({ ok: false, error: 'amount_malformed' });
    expect(parseAmount('-0.00', CNY, { allowNegative: true })).toEqual({
      ok: false,
      error: 'amount_malformed',
    });
    expect(parseAmount('-92233720368547758.08', CNY, { allowNegative: true })).toEqual({
      ok: true,
      value: MINOR_MIN,
    });
    expect(parseAmount('-92233720368547758.09', CNY, { allowNegative: true })).toEqual({
      ok: false,
      error: 'amount_out_of_range',
    });
  });

  it('refuses zero when zero is not allowed', () => {
    expect(parseAmount('0.00', CNY, { allowZero: false })).toEqual({
      ok: false,
      error: 'amount_must_be_positive',
    });
  });
});

describe('formatAmount', () => {
  it.each([
    [0n, CNY, '0.00'],
    [5n, CNY, '0.05'],
    [-5n, CNY, '-0.05'],
    [123456n, CNY, '1234.56'],
    [MINOR_MAX, CNY, '92233720368547758.07'],
    [MINOR_MIN, CNY, '-92233720368547758.08'],
    [1234n, JPY, '1234'],
    [-1n, BHD, '-0.001'],
  ])('writes %s %s as %s', (minor, currency, text) => {
    expect(formatAmount(minor, currency)).toBe(text);
  });

  it('groups thousands for display', () => {
    expect(formatAmountGrouped(123456789n, CNY)).toBe('1,234,567.89');
    expect(formatAmountGrouped(-100000n, CNY)).toBe('-1,000.00');
    expect(formatAmountGrouped(1234567n, JPY)).toBe('1,234,567');
  });
});

describe('parse and format round trips', () => {
  const currencies = fc.constantFrom(CNY, JPY, BHD);
  const minor = fc.bigInt({ min: MINOR_MIN, max: MINOR_MAX });

  it('format then parse gives back every int8 amount', () => {
    fc.assert(
      fc.property(minor, currencies, (value, currency) => {
        const parsed = parseAmount(formatAmount(value, currency), currency, { allowNegative: true });
        expect(parsed).toEqual({ ok: true, value });
      }),
      { numRuns: 2000 },
    );
  });

  it('parse then format gives back every canonical decimal string', () => {
    const canonical = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 99 }))
      .map(([whole, cents]) => `${whole}.${String(cents).padStart(2, '0')}`);
    fc.assert(
      fc.property(canonical, (text) => {
        const parsed = parseAmount(text, CNY);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(formatAmount(parsed.value, CNY)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts a string that does not round-trip to itself or a shorter form of itself', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const parsed = parseAmount(text, CNY, { allowNegative: true });
        if (!parsed.ok) return;
        // An accepted string must be the canonical form, possibly with fewer fraction digits.
        const formatted = formatAmount(parsed.value, CNY);
        expect(formatted.startsWith(text) || formatted === `${text}.00` || formatted === `${text}0`).toBe(
          true,
        );
      }),
      { numRuns: 3000 },
    );
  });
});
