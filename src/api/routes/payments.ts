import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import {
  cny,
  datesInOrder,
  errors,
  listQuery,
  money,
  orderJson,
  orderParams,
  orderSchema,
  page,
  pageOf,
  paymentPassword,
  STATEMENT_CSV_CAP,
  statementFilter,
  statementLineJson,
  statementLineSchema,
  statementQuery,
} from './payment-schemas.ts';

/** A customer's wallet: balance, transactions, orders, top-ups, withdrawals and transfers. */
export function paymentRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { payments } = platform;
  return async (app) => {
    app.get(
      '/me/wallet',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['payments'],
          summary: 'My wallet: balance, available, frozen and incoming, from the ledger',
          response: {
            200: z.object({
              balance: moneyResponseSchema,
              available: moneyResponseSchema,
              frozen: moneyResponseSchema,
              incoming: moneyResponseSchema,
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const w = await payments.wallet(userIdOf(request));
        return {
          balance: money(w.balance),
          available: money(w.available),
          frozen: money(w.frozen),
          incoming: money(w.incoming),
        };
      },
    );

    app.get(
      '/me/wallet/transactions',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['payments'],
          summary: 'My payment history, newest first',
          querystring: listQuery,
          response: { 200: page, ...errors },
        },
      },
      async (request) =>
        pageOf(
          await payments.history(userIdOf(request), request.query),
          request.query.limit,
          userIdOf(request),
        ),
    );

    app.get(
      '/me/wallet/statement',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['payments'],
          summary:
            'My wallet statement from the ledger: every movement of the balance, newest first, in words, with its counterpart and the balance after it',
          querystring: statementQuery
            .extend({
              limit: z.coerce.number().int().min(1).max(100).default(20),
              before: z
                .string()
                .regex(/^[0-9]{1,18}$/, 'cursor_malformed')
                .optional()
                .describe('The previous page’s nextBefore.'),
            })
            .strict()
            .refine(datesInOrder, { message: 'date_range_reversed', path: ['to'] }),
          response: {
            200: z.object({ items: z.array(statementLineSchema), nextBefore: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await payments.statement(userIdOf(request), {
          ...statementFilter(q),
          before: q.before === undefined ? undefined : BigInt(q.before),
          limit: q.limit,
        });
        return { items: page.lines.map(statementLineJson), nextBefore: page.next?.toString() ?? null };
      },
    );

    app.get(
      '/me/wallet/statement.csv',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['payments'],
          summary: `My wallet statement as CSV (UTF-8 with BOM; header and words in the language asked for; times in Asia/Shanghai), every movement the filters keep up to ${STATEMENT_CSV_CAP}`,
          querystring: statementQuery
            .extend({ language: z.enum(['zh', 'en']).default('zh') })
            .strict()
            .refine(datesInOrder, { message: 'date_range_reversed', path: ['to'] }),
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) => {
        const csv = await payments.statementCsv(
          userIdOf(request),
          statementFilter(request.query),
          request.query.language,
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="wallet-statement.csv"')
          .send(csv);
      },
    );

    app.get(
      '/me/orders/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['payments'],
          summary: 'One of my payment orders',
          params: orderParams,
          response: { 200: orderSchema, ...errors },
        },
      },
      async (request) =>
        orderJson(await payments.order(userIdOf(request), request.params.id), userIdOf(request)),
    );

    app.post(
      '/me/top-ups',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['payments'],
          summary: 'Top up my wallet from a bound card (settles when the channel confirms)',
          body: z.object({ amount: moneySchema(), cardId: z.uuid() }).strict(),
          response: { 202: orderSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(202).send(
          orderJson(
            await payments.topUp(userIdOf(request), {
              amount: cny(request.body.amount),
              cardId: request.body.cardId,
            }),
            userIdOf(request),
          ),
        ),
    );

    app.post(
      '/me/withdrawals',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['payments'],
          summary: 'Withdraw to a bound card (the amount and fee are frozen until the channel pays out)',
          body: z
            .object({ amount: moneySchema(), cardId: z.uuid(), paymentPassword: z.string().max(6) })
            .strict(),
          response: { 202: orderSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(202).send(
          orderJson(
            await payments.withdraw(userIdOf(request), {
              amount: cny(request.body.amount),
              cardId: request.body.cardId,
              paymentPassword: request.body.paymentPassword,
            }),
            userIdOf(request),
          ),
        ),
    );

    app.post(
      '/me/transfers',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['payments'],
          summary: 'Send money to another netfin user by mobile number',
          body: z
            .object({
              toPhone: z.string().max(20),
              amount: moneySchema(),
              paymentPassword,
              note: z.string().max(100).optional(),
            })
            .strict(),
          response: { 201: orderSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          orderJson(
            await payments.transfer(userIdOf(request), {
              toPhone: request.body.toPhone,
              amount: cny(request.body.amount),
              paymentPassword: request.body.paymentPassword,
              note: request.body.note,
            }),
            userIdOf(request),
          ),
        ),
    );
  };
}
