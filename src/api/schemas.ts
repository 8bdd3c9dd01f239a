import { z } from 'zod';
import {
  type Currency,
  currencyCodes,
  findCurrency,
  invalid,
  type ParseAmountOptions,
  parseAmount,
  parseDecimal,
} from '../kernel/index.ts';

/**
 * Shared request and response pieces. Amounts travel as decimal strings in major units with their
 * currency; rates as decimal strings ("0.1200" is 12% a year). Refinements report netfin's own
 * error codes (amount_too_precise, currency_unknown) as the issue message, which the error handler
 * lifts to the top-level code.
 */
export const currencyCodeSchema = z
  .string()
  .max(3)
  .refine((code) => findCurrency(code) !== undefined, { message: 'currency_unknown' })
  .describe(`An ISO 4217 currency code netfin supports: ${currencyCodes().join(', ')}.`);

export const decimalStringSchema = z
  .string()
  .max(64)
  .regex(/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/, { message: 'decimal_malformed' })
  .describe('A decimal number in plain notation, as a string.');

export const rateSchema = decimalStringSchema
  .refine((text) => parseDecimal(text).ok, { message: 'rate_must_not_be_negative' })
  .describe('A rate as a decimal string: "0.1200" is 12% a year.');

export const amountStringSchema = z
  .string()
  .max(48, { message: 'amount_malformed' })
  .describe('An amount in major units as a plain decimal string, e.g. "1234.56"; never a JSON number.');

/** Checks an amount string against its currency; returns the error code or undefined. */
export function amountProblem(
  text: string,
  currency: Currency,
  options: ParseAmountOptions = {},
): string | undefined {
  const parsed = parseAmount(text, currency, options);
  return parsed.ok ? undefined : parsed.error;
}

/** `{"amount": "1234.56", "currency": "CNY"}`, checked for the currency's precision and the int8 range. */
export function moneySchema(options: ParseAmountOptions = { allowZero: false }) {
  return z
    .object({ amount: amountStringSchema, currency: currencyCodeSchema })
    .strict()
    .superRefine((value, ctx) => {
      const currency = findCurrency(value.currency);
      if (!currency) return;
      const problem = amountProblem(value.amount, currency, options);
      if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
    });
}

export const moneyResponseSchema = z
  .object({ amount: z.string(), currency: z.string() })
  .meta({ id: 'Money', description: 'An exact amount: a decimal string in major units and its currency.' });

export const cursorQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .describe('At most this many items (1-500, default 50).'),
  cursor: z.string().max(512).optional().describe('The `nextCursor` of the previous page.'),
});

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` to get the next page; null on the last page.'),
  });
}

/** Cursors are opaque to clients: base64url JSON of the last item's sort key. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<T>(
  cursor: string | undefined,
  check: (value: unknown) => value is T,
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw invalid('cursor_invalid', 'the cursor is not one this endpoint gave out');
}
