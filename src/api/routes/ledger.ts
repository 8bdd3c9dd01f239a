import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import {
  type Currency,
  findCurrency,
  formatAmount,
  invalid,
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
  type Transfer,
  TransferFlag,
  type TransferInput,
} from '../../ledger/index.ts';
import { errorResponseSchema } from '../errors.ts';
import { decodeCursor, encodeCursor, pageSchema } from '../schemas.ts';
import {
  ACCOUNT_BATCH_BODY_LIMIT_BYTES,
  accountIdParams,
  accountInputSchema,
  accountSchema,
  balanceQuery,
  balancesSchema,
  batchOf,
  historyQuery,
  isTimestampText,
  TRANSFER_BATCH_BODY_LIMIT_BYTES,
  transferInputSchema,
  transferSchema,
  transfersQuery,
} from './ledger-schemas.ts';

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

/**
 * Answers a batch of more than MAX_BATCH_SIZE events by its count, before its events are validated:
 * the answer is then the same whatever else is wrong with them, and 8,191 events are not checked
 * one by one only to be refused.
 */
function refuseOversizedBatch(key: 'accounts' | 'transfers') {
  return async (request: FastifyRequest): Promise<void> => {
    const body = request.body;
    const events =
      body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(events) && events.length > MAX_BATCH_SIZE) {
      throw invalid('ledger_batch_too_large', `a batch holds at most ${MAX_BATCH_SIZE} events`, {
        max: MAX_BATCH_SIZE,
        events: events.length,
      });
    }
  };
}

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
        // Never below the global limit, should an operator raise that one past it.
        bodyLimit: Math.max(platform.config.bodyLimitBytes, ACCOUNT_BATCH_BODY_LIMIT_BYTES),
        preValidation: refuseOversizedBatch('accounts'),
        schema: {
          tags: ['ledger'],
          summary: 'Create accounts',
          description: `Up to ${MAX_BATCH_SIZE} accounts, applied in order; one result per account. Creating an account that exists with the same fields gives \`exists\`. More accounts get 400 \`ledger_batch_too_large\`; a body over ${ACCOUNT_BATCH_BODY_LIMIT_BYTES} bytes (${MAX_BATCH_SIZE + 1} accounts of the largest size) gets 413 \`payload_too_large\`.`,
          body: z.object({ accounts: batchOf(accountInputSchema) }).strict(),
          response: {
            200: z.object({
              results: z.array(
                z.object({ id: z.string(), result: z.string(), timestamp: z.string().optional() }),
              ),
            }),
            400: errorResponseSchema,
            413: errorResponseSchema,
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
        bodyLimit: Math.max(platform.config.bodyLimitBytes, TRANSFER_BATCH_BODY_LIMIT_BYTES),
        preValidation: refuseOversizedBatch('transfers'),
        schema: {
          tags: ['ledger'],
          summary: 'Create transfers',
          description: `Up to ${MAX_BATCH_SIZE} transfers, applied in order with exactly the results applying them one by one would give; linked transfers apply all-or-nothing. \`amount\` in a result is what actually moved. More transfers get 400 \`ledger_batch_too_large\`; a body over ${TRANSFER_BATCH_BODY_LIMIT_BYTES} bytes (${MAX_BATCH_SIZE + 1} transfers of the largest size) gets 413 \`payload_too_large\`.`,
          body: z.object({ transfers: batchOf(transferInputSchema) }).strict(),
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
            413: errorResponseSchema,
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
          querystring: transfersQuery,
          response: { 200: pageSchema(transferSchema), 400: errorResponseSchema, 404: errorResponseSchema },
        },
      },
      async (request) => {
        const query = request.query;
        await requireAccount(request.params.id);
        const after = decodeCursor(query.cursor, isTimestampText);
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
          querystring: historyQuery,
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
        const after = decodeCursor(request.query.cursor, isTimestampText);
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
          querystring: balanceQuery,
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
