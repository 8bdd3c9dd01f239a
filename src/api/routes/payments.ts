import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { CNY, formatAmount, parseAmount, parseDate, ruleViolation } from '../../kernel/index.ts';
import { type Order, orderIdFromPayload, qrPayload, RESOLUTIONS } from '../../payments/index.ts';
import { userIdOf } from '../auth.ts';
import { errorResponseSchema } from '../errors.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import { context } from './identity.ts';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
  429: errorResponseSchema,
  503: errorResponseSchema,
};
const KINDS = ['top_up', 'withdrawal', 'transfer', 'merchant_payment', 'refund'] as const;
const STATUSES = ['awaiting_payment', 'pending', 'succeeded', 'failed', 'expired', 'closed'] as const;

const money = (minor: bigint) => ({ amount: formatAmount(minor, CNY), currency: 'CNY' });

export const orderSchema = z
  .object({
    id: z.string(),
    kind: z.enum(KINDS),
    status: z.enum(STATUSES),
    amount: moneyResponseSchema,
    fee: moneyResponseSchema,
    direction: z.enum(['in', 'out']).nullable().describe('For the caller: money coming in or going out.'),
    method: z.string().nullable(),
    channel: z.string().nullable(),
    channelOrderId: z.string().nullable(),
    merchantId: z.string().nullable(),
    merchantOrderNo: z.string().nullable(),
    parentOrderId: z.string().nullable(),
    description: z.string().nullable(),
    note: z.string().nullable(),
    failureCode: z.string().nullable(),
    businessDate: z.string(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'PaymentOrder' });

export function orderJson(order: Order, viewer?: string) {
  let direction: 'in' | 'out' | null = null;
  if (viewer) {
    if (order.kind === 'top_up' || order.kind === 'refund') direction = 'in';
    else if (order.kind === 'transfer') direction = order.counterpartyUserId === viewer ? 'in' : 'out';
    else direction = 'out';
  }
  return {
    id: order.id,
    kind: order.kind,
    status: order.status,
    amount: money(order.amount),
    fee: money(order.fee),
    direction,
    method: order.method,
    channel: order.channel,
    channelOrderId: order.channelOrderId,
    merchantId: order.merchantId,
    merchantOrderNo: order.merchantOrderNo,
    parentOrderId: order.parentOrderId,
    description: order.description,
    note: order.note,
    failureCode: order.failureCode,
    businessDate: order.businessDate,
    createdAt: order.createdAt.toISOString(),
    completedAt: order.completedAt?.toISOString() ?? null,
    expiresAt: order.expiresAt?.toISOString() ?? null,
  };
}

/** Payments hold CNY wallets: an amount in another currency is refused with a clear code. */
function cny(value: { amount: string; currency: string }): bigint {
  if (value.currency !== 'CNY') throw ruleViolation('currency_not_supported', 'wallets hold CNY');
  const parsed = parseAmount(value.amount, CNY, { allowZero: false });
  if (!parsed.ok) throw ruleViolation(parsed.error);
  return parsed.value;
}

const dateQuery = z.string().refine((text) => parseDate(text).ok, { message: 'date_malformed' });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.uuid().optional().describe('The last id of the previous page.'),
  kind: z.enum(KINDS).optional(),
  status: z.enum(STATUSES).optional(),
  from: dateQuery.optional().describe('Business date from (inclusive).'),
  to: dateQuery.optional().describe('Business date to (inclusive).'),
});
const page = z.object({ items: z.array(orderSchema), nextBefore: z.string().nullable() });
const pageOf = (orders: Order[], limit: number, viewer?: string) => ({
  items: orders.map((o) => orderJson(o, viewer)),
  nextBefore: orders.length === limit ? orders[orders.length - 1]!.id : null,
});
const paymentPassword = z.string().max(6).optional();
const orderParams = z.object({ id: z.uuid() });

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

    const merchantSchema = z
      .object({ id: z.string(), name: z.string(), status: z.string(), createdAt: z.string() })
      .meta({ id: 'Merchant' });
    const merchantJson = (m: { id: string; name: string; status: string; createdAt: Date }) => ({
      id: m.id,
      name: m.name,
      status: m.status,
      createdAt: m.createdAt.toISOString(),
    });

    app.post(
      '/merchants',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['merchants'],
          summary: 'Open a merchant account (a verified user; gives the merchant role)',
          body: z.object({ name: z.string().max(60) }).strict(),
          response: { 201: merchantSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(merchantJson(await payments.becomeMerchant(userIdOf(request), request.body.name))),
    );

    app.get(
      '/merchant',
      {
        config: { auth: { permission: 'merchant:sell' } },
        schema: {
          tags: ['merchants'],
          summary: 'My merchant account',
          response: { 200: merchantSchema, ...errors },
        },
      },
      async (request) => merchantJson(await payments.merchantOf(userIdOf(request))),
    );

    const merchantOrderSchema = orderSchema.extend({
      qrPayload: z.string(),
      refunded: moneyResponseSchema.optional(),
    });

    app.post(
      '/merchant/orders',
      {
        config: { auth: { permission: 'merchant:sell' } },
        schema: {
          tags: ['merchants'],
          summary: 'Create an order to be paid by QR code',
          body: z
            .object({
              amount: moneySchema(),
              description: z.string().min(1).max(100),
              merchantOrderNo: z.string().min(1).max(64).optional(),
            })
            .strict(),
          response: { 201: merchantOrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const order = await payments.createMerchantOrder(userIdOf(request), {
          amount: cny(request.body.amount),
          description: request.body.description,
          merchantOrderNo: request.body.merchantOrderNo,
        });
        return reply.code(201).send({ ...orderJson(order), qrPayload: qrPayload(order.id) });
      },
    );

    app.get(
      '/merchant/orders',
      {
        config: { auth: { permission: 'merchant:sell' } },
        schema: {
          tags: ['merchants'],
          summary: 'My orders, newest first',
          querystring: listQuery,
          response: { 200: page, ...errors },
        },
      },
      async (request) =>
        pageOf(await payments.merchantOrders(userIdOf(request), request.query), request.query.limit),
    );

    app.get(
      '/merchant/orders/:id',
      {
        config: { auth: { permission: 'merchant:sell' } },
        schema: {
          tags: ['merchants'],
          summary: 'One of my orders with its refunds',
          params: orderParams,
          response: { 200: merchantOrderSchema.extend({ refunds: z.array(orderSchema) }), ...errors },
        },
      },
      async (request) => {
        const { order, refunds } = await payments.merchantOrder(userIdOf(request), request.params.id);
        const refunded = refunds
          .filter((r) => r.status === 'succeeded')
          .reduce((sum, r) => sum + r.amount, 0n);
        return {
          ...orderJson(order),
          qrPayload: qrPayload(order.id),
          refunded: money(refunded),
          refunds: refunds.map((r) => orderJson(r)),
        };
      },
    );

    app.get(
      '/merchant/orders/:id/qr',
      {
        config: { auth: { permission: 'merchant:sell' } },
        schema: {
          tags: ['merchants'],
          summary: "An order's QR code: the payload and an SVG image",
          params: orderParams,
          response: { 200: z.object({ payload: z.string(), svg: z.string() }), ...errors },
        },
      },
      async (request) => {
        const { order } = await payments.merchantOrder(userIdOf(request), request.params.id);
        const payload = qrPayload(order.id);
        return {
          payload,
          svg: await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
        };
      },
    );

    app.post(
      '/merchant/orders/:id/refunds',
      {
        config: { auth: { permission: 'merchant:sell' } },
        schema: {
          tags: ['merchants'],
          summary: "Refund all or part of a paid order to the payer's wallet",
          params: orderParams,
          body: z.object({ amount: moneySchema(), reason: z.string().max(100).optional() }).strict(),
          response: { 201: orderSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          orderJson(
            await payments.refund(userIdOf(request), request.params.id, {
              amount: cny(request.body.amount),
              reason: request.body.reason,
            }),
          ),
        ),
    );

    app.get(
      '/merchant/summary',
      {
        config: { auth: { permission: 'merchant:sell' } },
        schema: {
          tags: ['merchants'],
          summary: 'A business day in numbers',
          querystring: z.object({
            date: dateQuery.optional().describe('Default: the current business date.'),
          }),
          response: {
            200: z.object({
              businessDate: z.string(),
              payments: z.object({ count: z.number(), amount: moneyResponseSchema }),
              refunds: z.object({ count: z.number(), amount: moneyResponseSchema }),
              net: moneyResponseSchema,
              awaiting: z.number(),
              expired: z.number(),
              balance: moneyResponseSchema,
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const s = await payments.merchantSummary(
          userIdOf(request),
          request.query.date ?? platform.clock.businessDate(),
        );
        return {
          ...s,
          payments: { count: s.payments.count, amount: money(s.payments.amount) },
          refunds: { count: s.refunds.count, amount: money(s.refunds.amount) },
          net: money(s.net),
          balance: money(s.balance),
        };
      },
    );

    const payerView = z.object({ order: orderSchema, merchantName: z.string() });
    const payerJson = async (orderId: string) => {
      const { order, merchantName } = await payments.orderForPayer(orderId);
      return { order: orderJson(order), merchantName };
    };

    app.post(
      '/pay/scan',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['pay'],
          summary: 'Read a scanned or typed QR payload: the order to pay',
          body: z.object({ payload: z.string().max(300) }).strict(),
          response: { 200: payerView, ...errors },
        },
      },
      async (request) => payerJson(orderIdFromPayload(request.body.payload)),
    );

    app.get(
      '/pay/orders/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['pay'],
          summary: 'An order to pay',
          params: orderParams,
          response: { 200: payerView, ...errors },
        },
      },
      async (request) => payerJson(request.params.id),
    );

    app.post(
      '/pay/orders/:id/wallet',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['pay'],
          summary: 'Pay from my wallet (payment password above the password-free limit)',
          params: orderParams,
          body: z.object({ paymentPassword }).strict(),
          response: { 200: orderSchema, ...errors },
        },
      },
      async (request) =>
        orderJson(
          await payments.payWithWallet(userIdOf(request), request.params.id, request.body),
          userIdOf(request),
        ),
    );

    app.post(
      '/pay/orders/:id/card',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['pay'],
          summary: 'Quick pay from a bound card, step 1: a code goes to the card’s reserved phone',
          params: orderParams,
          body: z.object({ cardId: z.uuid() }).strict(),
          response: { 202: z.object({ sentTo: z.string() }), ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(
            await payments.startCardPayment(userIdOf(request), request.params.id, request.body, request.ip),
          ),
    );

    app.post(
      '/pay/orders/:id/card/confirm',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['pay'],
          summary: 'Quick pay, step 2: confirm with the code; the channel settles it',
          params: orderParams,
          body: z.object({ code: z.string().max(10) }).strict(),
          response: { 202: orderSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(
            orderJson(
              await payments.confirmCardPayment(userIdOf(request), request.params.id, request.body),
              userIdOf(request),
            ),
          ),
    );

    app.post(
      '/payments/channels/:channel/notify',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['payments'],
          summary: 'Where payment channels send their signed notifications',
          description:
            'Authenticated by the channel’s signature over the raw body, not by a session. Answers `success` as text once processed (or already processed).',
          params: z.object({ channel: z.string().max(32) }),
          body: z.unknown(),
        },
      },
      async (request, reply) => {
        const result = await payments.handleNotification(
          request.params.channel,
          request.headers,
          request.rawBody ?? '',
          request.ip,
        );
        return reply.code(result.status).type('text/plain; charset=utf-8').send(result.body);
      },
    );

    const exceptionSchema = z.object({
      id: z.string(),
      kind: z.string(),
      channel: z.string().nullable(),
      orderId: z.string().nullable(),
      reference: z.string(),
      details: z.unknown(),
      status: z.string(),
      createdAt: z.string(),
      resolvedAt: z.string().nullable(),
      resolvedBy: z.string().nullable(),
      resolution: z.string().nullable(),
      note: z.string().nullable(),
    });

    app.get(
      '/finance/exceptions',
      {
        config: { auth: { permission: 'payments:exceptions' } },
        schema: {
          tags: ['finance'],
          summary: 'Payment exceptions (amount mismatches, unknown orders, reconciliation differences)',
          querystring: z.object({
            status: z.enum(['open', 'resolved']).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            before: z.uuid().optional(),
          }),
          response: {
            200: z.object({ items: z.array(exceptionSchema), nextBefore: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const rows = await payments.exceptions(request.query);
        return {
          items: rows.map((r) => ({
            ...r,
            createdAt: r.createdAt.toISOString(),
            resolvedAt: r.resolvedAt?.toISOString() ?? null,
          })),
          nextBefore: rows.length === request.query.limit ? rows[rows.length - 1]!.id : null,
        };
      },
    );

    app.post(
      '/finance/exceptions/:id/resolve',
      {
        config: { auth: { permission: 'payments:exceptions' } },
        schema: {
          tags: ['finance'],
          summary: 'Resolve an exception (audited)',
          params: orderParams,
          body: z.object({ resolution: z.enum(RESOLUTIONS), note: z.string().min(1).max(500) }).strict(),
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        await payments.resolveException(request.params.id, request.body, context(request));
        return reply.code(204).send();
      },
    );

    const reconciliationSchema = z.object({
      channel: z.string(),
      businessDate: z.string(),
      counts: z.record(z.string(), z.number()),
    });

    app.post(
      '/finance/reconciliations',
      {
        config: { auth: { permission: 'payments:reconcile' } },
        schema: {
          tags: ['finance'],
          summary: "Reconcile a channel's statement for a business date",
          body: z.object({ channel: z.string().max(32).default('sim'), date: dateQuery }).strict(),
          response: { 200: reconciliationSchema, ...errors },
        },
      },
      async (request) => {
        const report = await payments.reconcile(request.body.channel, request.body.date);
        await platform.identity.audit(context(request), {
          action: 'payments.reconciled',
          subjectType: 'channel',
          subjectId: report.channel,
          details: report,
        });
        return report;
      },
    );

    app.get(
      '/finance/reconciliations/:channel/:date',
      {
        config: { auth: { permission: 'payments:reconcile' } },
        schema: {
          tags: ['finance'],
          summary: 'The lines of a reconciliation',
          params: z.object({ channel: z.string().max(32), date: dateQuery }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  reference: z.string(),
                  classification: z.string(),
                  netfinAmount: moneyResponseSchema.nullable(),
                  channelAmount: moneyResponseSchema.nullable(),
                  netfinStatus: z.string().nullable(),
                  channelStatus: z.string().nullable(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => ({
        items: (await payments.reconciliationLines(request.params.channel, request.params.date)).map((l) => ({
          ...l,
          netfinAmount: l.netfinAmount === null ? null : money(l.netfinAmount),
          channelAmount: l.channelAmount === null ? null : money(l.channelAmount),
        })),
      }),
    );
  };
}
