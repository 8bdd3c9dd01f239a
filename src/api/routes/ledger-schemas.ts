import { z } from 'zod';
import { currencyCodes, findCurrency, formatAmount, MINOR_MAX, parseAmount } from '../../kernel/index.ts';
import {
  ACCOUNT_FLAG_NAMES,
  MAX_BATCH_SIZE,
  MAX_TIMEOUT_SECONDS,
  TRANSFER_FLAG_NAMES,
} from '../../ledger/index.ts';
import { amountStringSchema, currencyCodeSchema, cursorQuerySchema } from '../schemas.ts';

/**
 * The ledger API's request and response shapes, and the body limits of its batch routes, which are
 * derived from the same field limits so that the two cannot drift apart.
 */
const ID_MAX_LENGTH = 64;
const USER_DATA_MAX_LENGTH = 128;
const CODE_MAX = 65535;

const idSchema = z
  .string()
  .max(ID_MAX_LENGTH)
  .regex(/^[A-Za-z0-9_:.-]*$/, { message: 'id_malformed' })
  .describe('1-64 of A-Z a-z 0-9 _ : . - (an empty id gets the result id_must_not_be_empty).');
const optionalIdSchema = idSchema.optional();
const userDataSchema = z
  .string()
  .min(1)
  .max(USER_DATA_MAX_LENGTH)
  .nullable()
  .optional()
  .describe('A reference of yours, e.g. an order id.');
const codeSchema = z.number().int().min(0).max(CODE_MAX);

const accountFlagsSchema = z
  .object({
    linked: z.boolean().optional(),
    debitsMustNotExceedCredits: z.boolean().optional(),
    creditsMustNotExceedDebits: z.boolean().optional(),
    history: z.boolean().optional(),
    closed: z.boolean().optional(),
  })
  .strict();

const transferFlagsSchema = z
  .object({
    linked: z.boolean().optional(),
    pending: z.boolean().optional(),
    postPendingTransfer: z.boolean().optional(),
    voidPendingTransfer: z.boolean().optional(),
    balancingDebit: z.boolean().optional(),
    balancingCredit: z.boolean().optional(),
    closingDebit: z.boolean().optional(),
    closingCredit: z.boolean().optional(),
  })
  .strict();

export const accountInputSchema = z
  .object({
    id: idSchema,
    ledger: currencyCodeSchema.describe('The ledger: a currency code.'),
    code: codeSchema.min(1).describe('The account type in the chart of accounts (docs/ledger.md).'),
    userData: userDataSchema,
    flags: accountFlagsSchema.optional(),
  })
  .strict();

export const transferInputSchema = z
  .object({
    id: idSchema.describe('Chosen by you; it is the idempotency key of the transfer.'),
    debitAccountId: optionalIdSchema,
    creditAccountId: optionalIdSchema,
    amount: amountStringSchema.describe(
      'In the ledger currency. "0" means the full pending amount for a post or void, and "as much as allowed" for a balancing transfer.',
    ),
    ledger: currencyCodeSchema,
    code: codeSchema
      .optional()
      .describe('1-65535; 0 or absent on a post or void inherits the pending transfer’s.'),
    userData: userDataSchema,
    pendingId: optionalIdSchema,
    timeoutSeconds: z.number().int().min(0).max(MAX_TIMEOUT_SECONDS).optional(),
    flags: transferFlagsSchema.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const currency = findCurrency(value.ledger);
    if (!currency) return;
    const parsed = parseAmount(value.amount, currency);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['amount'], message: parsed.error });
  });

/** The events of one batch; the count is also checked before validation (see refuseOversizedBatch). */
export const batchOf = <T extends z.ZodType>(event: T) =>
  z.array(event).max(MAX_BATCH_SIZE, { message: 'ledger_batch_too_large' });

export const accountSchema = z
  .object({
    id: z.string(),
    ledger: z.string(),
    code: z.number(),
    userData: z.string().nullable(),
    flags: accountFlagsSchema.required(),
    debitsPending: z.string(),
    debitsPosted: z.string(),
    creditsPending: z.string(),
    creditsPosted: z.string(),
    timestamp: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'LedgerAccount' });

export const transferSchema = z
  .object({
    id: z.string(),
    debitAccountId: z.string(),
    creditAccountId: z.string(),
    amount: z.string(),
    pendingId: z.string().nullable(),
    ledger: z.string(),
    code: z.number(),
    userData: z.string().nullable(),
    flags: transferFlagsSchema.required(),
    timeoutSeconds: z.number(),
    timestamp: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'LedgerTransfer' });

export const balancesSchema = z.object({
  debitsPending: z.string(),
  debitsPosted: z.string(),
  creditsPending: z.string(),
  creditsPosted: z.string(),
});

export const accountIdParams = z.object({ id: idSchema.min(1) });

const TIMESTAMP_TEXT = /^(0|[1-9][0-9]{0,18})$/;

/** A ledger timestamp as text: plain digits, no leading zero, at most int8's maximum. */
export function isTimestampText(text: unknown): text is string {
  return typeof text === 'string' && TIMESTAMP_TEXT.test(text) && BigInt(text) <= MINOR_MAX;
}

// One refinement does both checks: zod runs every check of a string even after one fails, so a
// separate range check would call BigInt() on "abc" and throw (a 500) instead of reporting an issue.
const timestampSchema = z
  .string()
  .refine(isTimestampText, { message: 'timestamp_malformed' })
  .describe('A ledger timestamp: plain digits, 0 to 9223372036854775807.');

const CODE_TEXT = /^[1-9][0-9]{0,4}$/;
const codeQuery = z
  .string()
  .refine((text) => CODE_TEXT.test(text) && Number(text) <= CODE_MAX, { message: 'code_malformed' })
  .transform(Number)
  .describe('Only transfers with this code: 1-65535 in plain digits.');

/** An ISO 8601 instant with an offset, in years the database can hold. */
const instantSchema = z.iso
  .datetime({ offset: true })
  .refine((text) => Number(text.slice(0, 4)) >= 1900, { message: 'instant_out_of_range' });
const booleanQuery = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

// Query strings are strict: a misspelt filter (`?form=`) is refused rather than silently ignored,
// which would answer a different question than the one asked.
export const transfersQuery = cursorQuerySchema
  .extend({
    code: codeQuery.optional(),
    from: instantSchema.optional().describe('Only transfers created at or after this time.'),
    to: instantSchema.optional().describe('Only transfers created at or before this time.'),
    reversed: booleanQuery.describe('Newest first.'),
  })
  .strict();
export const historyQuery = cursorQuerySchema.extend({ reversed: booleanQuery }).strict();
export const balanceQuery = z.object({ at: timestampSchema.optional() }).strict();

/**
 * The batch routes' body limits. The global limit (1 MiB by default) holds about 740 of the
 * largest transfers, far fewer than a batch may have; these hold MAX_BATCH_SIZE + 1 events of the
 * largest size, so that a batch one event too many is answered by its count (400
 * ledger_batch_too_large), never by its size. Only a body that can hold no valid batch gets 413.
 *
 * "Largest" is every field at its limit, written as JSON with a space after each colon and comma
 * (as Python's json.dumps writes by default; JSON.stringify writes less). Ids, ledger and amount are
 * ASCII that no JSON writer escapes; a user-data character takes at most the six bytes of a \uXXXX
 * escape (JSON.stringify writes control characters that way, ASCII-only writers everything beyond
 * ASCII). Whitespace beyond that can make any body as large as it likes and is not counted.
 */
// A valid amount has no leading zero and no more decimals than its currency has, so int8's maximum,
// written out in the currency with the most decimals, is the longest one.
const largestAmountText = currencyCodes()
  .map((code) => formatAmount(MINOR_MAX, findCurrency(code)!))
  .reduce((a, b) => (b.length > a.length ? b : a));
const largestLedger = currencyCodes().reduce((a, b) => (b.length > a.length ? b : a));
const largestUserData = '\u0001'.repeat(USER_DATA_MAX_LENGTH);
const longestId = 'x'.repeat(ID_MAX_LENGTH);
// "false" is one byte longer than "true".
const allFlags = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, false]));

const largestTransfer = {
  id: longestId,
  debitAccountId: longestId,
  creditAccountId: longestId,
  amount: largestAmountText,
  ledger: largestLedger,
  code: CODE_MAX,
  userData: largestUserData,
  pendingId: longestId,
  timeoutSeconds: MAX_TIMEOUT_SECONDS,
  flags: allFlags(TRANSFER_FLAG_NAMES),
};
const largestAccount = {
  id: longestId,
  ledger: largestLedger,
  code: CODE_MAX,
  userData: largestUserData,
  flags: allFlags(ACCOUNT_FLAG_NAMES),
};

/** The ", " between `count` items. */
const separators = (count: number) => 2 * Math.max(0, count - 1);

/** Bytes of `value` as JSON with one space after every colon and comma. */
function spacedJsonBytes(value: unknown): number {
  if (Array.isArray(value)) {
    return 2 + value.reduce((sum: number, item) => sum + spacedJsonBytes(item), 0) + separators(value.length);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const members = entries.reduce(
      (sum, [key, item]) => sum + Buffer.byteLength(JSON.stringify(key)) + 2 + spacedJsonBytes(item),
      0,
    );
    return 2 + members + separators(entries.length);
  }
  return Buffer.byteLength(JSON.stringify(value));
}

function batchBodyLimitBytes(key: string, largestEvent: object): number {
  const events = MAX_BATCH_SIZE + 1;
  return spacedJsonBytes({ [key]: [] }) + events * spacedJsonBytes(largestEvent) + separators(events);
}

/** 11,582,089 bytes: 8,191 transfers of 1,412 bytes, the separators and the envelope. */
export const TRANSFER_BATCH_BODY_LIMIT_BYTES = batchBodyLimitBytes('transfers', largestTransfer);
/** 8,428,553 bytes: 8,191 accounts of 1,027 bytes, the separators and the envelope. */
export const ACCOUNT_BATCH_BODY_LIMIT_BYTES = batchBodyLimitBytes('accounts', largestAccount);
