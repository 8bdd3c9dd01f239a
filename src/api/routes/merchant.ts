import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { orderIdFromPayload, qrPayload } from '../../payments/index.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import {
  cny,
  dateQuery,
  errors,
  listQuery,
  money,
  orderJson,
  orderParams,
  orderSchema,
  page,
  pageOf,
  paymentPassword,
} from './payment-schemas.ts';

/** Merchants: sign-up, orders with QR codes, refunds and summaries; and paying an order by scan, wallet or card. */
export function merchantRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { payments } = platform;
  return async (app) => {
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
  };
}
