import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import {
  type Currency,
  findCurrency,
  formatAmount,
  MINOR_MAX,
  notFound,
  parseAmount,
  ruleViolation,
} from '../../kernel/index.ts';
import {
  type Account,
  AccountFlag,
  flagsFromNames,
  flagsToNames,
  hasFlag,
  MAX_BATCH_SIZE,
  MAX_TIMEOUT_SECONDS,
  type Transfer,
  TransferFlag,
  type TransferInput,
} from '../../ledger/index.ts';
import { errorResponseSchema } from '../errors.ts';
import {
  amountStringSchema,
  currencyCodeSchema,
  cursorQuerySchema,
  decodeCursor,
  encodeCursor,
  pageSchema,
} from '../schemas.ts';

const idSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9_:.-]*$/, { message: 'id_malformed' })
  .describe('1-64 of A-Z a-z 0-9 _ : . - (an empty id gets the result id_must_not_be_empty).');
const optionalIdSchema = idSchema.optional();
const userDataSchema = z
  .string()
  .min(1)
  .max(128)
  .nullable()
  .optional()
  .describe('A reference of yours, e.g. an order id.');
const codeSchema = z.number().int().min(0).max(65535);

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

const accountInputSchema = z
  .object({
    id: idSchema,
    ledger: currencyCodeSchema.describe('The ledger: a currency code.'),
    code: codeSchema.min(1).describe('The account type in the chart of accounts (docs/ledger.md).'),
    userData: userDataSchema,
    flags: accountFlagsSchema.optional(),
  })
  .strict();

const transferInputSchema = z
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

const accountSchema = z
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

const transferSchema = z
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

const balancesSchema = z.object({
  debitsPending: z.string(),
  debitsPosted: z.string(),
  creditsPending: z.string(),
  creditsPosted: z.string(),
});

const accountIdParams = z.object({ id: idSchema.min(1) });
const timestampSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,18})$/, { message: 'timestamp_malformed' })
  .refine((text) => BigInt(text) <= MINOR_MAX, { message: 'timestamp_malformed' });
/** An ISO 8601 instant with an offset, in years the database can hold. */
const instantSchema = z.iso
  .datetime({ offset: true })
  .refine((text) => Number(text.slice(0, 4)) >= 1900, { message: 'instant_out_of_range' });
const booleanQuery = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

function currencyOf(ledger: string): Currency {
  // Every stored ledger was checked against the currency table when its account was created.
  return findCurrency(ledger) ?? { code: ledger, exponent: 0 };
}

function accountJson(account: Account) {
  const c = currencyOf(account.ledger);
  return {
    id: account.id,
    ledger: account.ledger,
    code: account.code,
    userData: account.userData,
    flags: flagsToNames(AccountFlag, account.flags),
    debitsPending: formatAmount(account.debitsPending, c),
    debitsPosted: formatAmount(account.debitsPosted, c),
    creditsPending: formatAmount(account.creditsPending, c),
    creditsPosted: formatAmount(account.creditsPosted, c),
    timestamp: account.timestamp.toString(),
    createdAt: account.createdAt.toISOString(),
  };
}

function transferJson(transfer: Transfer) {
  return {
    id: transfer.id,
    debitAccountId: transfer.debitAccountId,
    creditAccountId: transfer.creditAccountId,
    amount: formatAmount(transfer.amount, currencyOf(transfer.ledger)),
    pendingId: transfer.pendingId,
    ledger: transfer.ledger,
    code: transfer.code,
    userData: transfer.userData,
    flags: flagsToNames(TransferFlag, transfer.flags),
    timeoutSeconds: transfer.timeoutSeconds,
    timestamp: transfer.timestamp.toString(),
    createdAt: transfer.createdAt.toISOString(),
  };
}

function balancesJson(
  balances: { debitsPending: bigint; debitsPosted: bigint; creditsPending: bigint; creditsPosted: bigint },
  c: Currency,
) {
  return {
    debitsPending: formatAmount(balances.debitsPending, c),
    debitsPosted: formatAmount(balances.debitsPosted, c),
    creditsPending: formatAmount(balances.creditsPending, c),
    creditsPosted: formatAmount(balances.creditsPosted, c),
  };
}

const isTimestampCursor = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= MINOR_MAX;

export function ledgerRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { ledger } = platform;

  /** Money moved by hand is a staff action: who, when, from where, and what came of it. */
  async function auditLedgerWrite(
    request: FastifyRequest,
    action: string,
    results: { id: string; result: string }[],
  ): Promise<void> {
    const ok = results.filter((r) => r.result === 'ok').map((r) => r.id);
    await platform.identity.audit(
      { principal: request.principal, ip: request.ip },
      {
        action,
        details: {
          events: results.length,
          ok: ok.length,
          okIds: ok.slice(0, 50),
          failed: results.filter((r) => r.result !== 'ok').slice(0, 50),
        },
      },
    );
  }

  async function requireAccount(id: string): Promise<Account> {
    const account = await ledger.getAccount(id);
    if (!account) throw notFound('account_not_found', `no ledger account ${id}`);
    return account;
  }

  return async (app) => {
    app.post(
      '/accounts',
      {
        config: { auth: { permission: 'ledger:write' } },
        schema: {
          tags: ['ledger'],
          summary: 'Create accounts',
          description: `Up to ${MAX_BATCH_SIZE} accounts, applied in order; one result per account. Creating an account that exists with the same fields gives \`exists\`.`,
          body: z.object({ accounts: z.array(accountInputSchema).max(MAX_BATCH_SIZE) }).strict(),
          response: {
            200: z.object({
              results: z.array(
                z.object({ id: z.string(), result: z.string(), timestamp: z.string().optional() }),
              ),
            }),
            400: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const results = await ledger.createAccounts(
          request.body.accounts.map((a) => ({
            id: a.id,
            ledger: a.ledger,
            code: a.code,
            userData: a.userData ?? null,
            flags: flagsFromNames(AccountFlag, a.flags),
          })),
        );
        await auditLedgerWrite(request, 'ledger.accounts_created', results);
        return {
          results: results.map((r) => ({
            id: r.id,
            result: r.result,
            ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp.toString() }),
          })),
        };
      },
    );

    app.post(
      '/transfers',
      {
        config: { auth: { permission: 'ledger:write' } },
        schema: {
          tags: ['ledger'],
          summary: 'Create transfers',
          description: `Up to ${MAX_BATCH_SIZE} transfers, applied in order with exactly the results applying them one by one would give; linked transfers apply all-or-nothing. \`amount\` in a result is what actually moved.`,
          body: z.object({ transfers: z.array(transferInputSchema).max(MAX_BATCH_SIZE) }).strict(),
          response: {
            200: z.object({
              results: z.array(
                z.object({
                  id: z.string(),
                  result: z.string(),
                  timestamp: z.string().optional(),
                  amount: z.string().optional(),
                }),
              ),
            }),
            400: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const inputs: TransferInput[] = request.body.transfers.map((t) => ({
          id: t.id,
          debitAccountId: t.debitAccountId ?? '',
          creditAccountId: t.creditAccountId ?? '',
          amount: (parseAmount(t.amount, currencyOf(t.ledger)) as { ok: true; value: bigint }).value,
          ledger: t.ledger,
          code: t.code ?? 0,
          userData: t.userData ?? null,
          pendingId: t.pendingId ?? '',
          timeoutSeconds: t.timeoutSeconds ?? 0,
          flags: flagsFromNames(TransferFlag, t.flags),
        }));
        const results = await ledger.createTransfers(inputs);
        await auditLedgerWrite(request, 'ledger.transfers_created', results);
        return {
          results: results.map((r, index) => ({
            id: r.id,
            result: r.result,
            ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp.toString() }),
            ...(r.amount === undefined
              ? {}
              : { amount: formatAmount(r.amount, currencyOf(inputs[index]!.ledger ?? '')) }),
          })),
        };
      },
    );

    app.get(
      '/accounts/:id',
      {
        config: { auth: { permission: 'ledger:read' } },
        schema: {
          tags: ['ledger'],
          summary: 'An account and its four balances',
          params: accountIdParams,
          response: { 200: accountSchema, 404: errorResponseSchema },
        },
      },
      async (request) => accountJson(await requireAccount(request.params.id)),
    );

    app.get(
      '/accounts/:id/transfers',
      {
        config: { auth: { permission: 'ledger:read' } },
        schema: {
          tags: ['ledger'],
          summary: "An account's transfers, in timestamp order",
          params: accountIdParams,
          querystring: cursorQuerySchema.extend({
            code: z.coerce.number().int().min(1).max(65535).optional(),
            from: instantSchema.optional().describe('Only transfers created at or after this time.'),
            to: instantSchema.optional().describe('Only transfers created at or before this time.'),
            reversed: booleanQuery.describe('Newest first.'),
          }),
          response: { 200: pageSchema(transferSchema), 400: errorResponseSchema, 404: errorResponseSchema },
        },
      },
      async (request) => {
        const query = request.query;
        await requireAccount(request.params.id);
        const after = decodeCursor(query.cursor, isTimestampCursor);
        const transfers = await ledger.accountTransfers({
          accountId: request.params.id,
          code: query.code,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
          after: after === undefined ? undefined : BigInt(after),
          limit: query.limit,
          reversed: query.reversed,
        });
        const last = transfers[transfers.length - 1];
        return {
          items: transfers.map(transferJson),
          nextCursor:
            transfers.length === query.limit && last ? encodeCursor(last.timestamp.toString()) : null,
        };
      },
    );

    app.get(
      '/accounts/:id/history',
      {
        config: { auth: { permission: 'ledger:read' } },
        schema: {
          tags: ['ledger'],
          summary: 'Balances after each transfer (accounts with the history flag)',
          params: accountIdParams,
          querystring: cursorQuerySchema.extend({ reversed: booleanQuery }),
          response: {
            200: pageSchema(
              balancesSchema.extend({ timestamp: z.string(), transferId: z.string().nullable() }),
            ),
            400: errorResponseSchema,
            404: errorResponseSchema,
            422: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const account = await requireAccount(request.params.id);
        if (!hasFlag(account.flags, AccountFlag.history)) {
          throw ruleViolation(
            'account_history_not_enabled',
            'this account was not created with the history flag',
          );
        }
        const after = decodeCursor(request.query.cursor, isTimestampCursor);
        const rows = await ledger.accountHistory(account.id, {
          after: after === undefined ? undefined : BigInt(after),
          limit: request.query.limit,
          reversed: request.query.reversed,
        });
        const c = currencyOf(account.ledger);
        const last = rows[rows.length - 1];
        return {
          items: rows.map((row) => ({
            ...balancesJson(row, c),
            timestamp: row.timestamp.toString(),
            transferId: row.transferId,
          })),
          nextCursor:
            rows.length === request.query.limit && last ? encodeCursor(last.timestamp.toString()) : null,
        };
      },
    );

    app.get(
      '/accounts/:id/balance',
      {
        config: { auth: { permission: 'ledger:read' } },
        schema: {
          tags: ['ledger'],
          summary: 'Balances as of a ledger timestamp',
          description:
            'The balances after every event up to and including timestamp `at`; without `at`, the current balances.',
          params: accountIdParams,
          querystring: z.object({ at: timestampSchema.optional() }),
          response: {
            200: balancesSchema.extend({
              accountId: z.string(),
              at: z.string().nullable(),
              ledger: z.string(),
            }),
            400: errorResponseSchema,
            404: errorResponseSchema,
          },
        },
      },
      async (request) => {
        const account = await requireAccount(request.params.id);
        const c = currencyOf(account.ledger);
        const at = request.query.at;
        const balances = at === undefined ? account : await ledger.balanceAt(account, BigInt(at));
        return {
          accountId: account.id,
          ledger: account.ledger,
          at: at ?? null,
          ...balancesJson(balances, c),
        };
      },
    );
  };
}
