import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { MmfOrder } from '../../wealth/mmf/orders-store.ts';
import type { Product } from '../../wealth/products.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import { context } from './identity.ts';
import { anyObject, cny, errors, money, repaymentJson } from './lending-schemas.ts';
import { paymentPassword } from './payment-schemas.ts';

/**
 * The money-market fund's orders (docs/wealth-mmf-orders.md): the order form's facts, subscriptions,
 * redemptions (normal and quick), the caller's holding, payment of a merchant order from the fund;
 * for operations (under /wealth/ops/), the day's orders and the fund's liquidity and its top-up.
 */
const productRef = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'product_malformed')
  .describe("A money-market fund's id or code; the platform's own fund (NETFIN-CASH) when omitted.");
const productQuery = z.object({ productId: productRef.optional() }).strict();
const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date_malformed');

const orderSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    kind: z.enum(['subscription', 'redemption']),
    mode: z.enum(['normal', 'quick']).nullable(),
    purpose: z.enum(['wallet', 'merchant_payment', 'loan_repayment']),
    reference: z
      .string()
      .nullable()
      .describe('For a payment from the fund: the merchant order or the loan paid.'),
    amount: moneyResponseSchema.describe('For a redemption: the units (1 unit = 1.00 CNY).'),
    businessDate: z.string(),
    tradeDate: z.string(),
    confirmDate: z
      .string()
      .nullable()
      .describe('A subscription: the date it is confirmed and earns from (its income from then on).'),
    payDate: z.string().nullable().describe('A redemption: the date the money is in the wallet.'),
    status: z.enum(['pending', 'completed']),
    acknowledgementId: z.string().nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'MoneyMarketOrder' });

const productSummary = z.object({
  id: z.string(),
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  riskLevel: z.string(),
  status: z.string(),
});

function orderJson(o: MmfOrder) {
  return {
    id: o.id,
    productId: o.productId,
    kind: o.kind,
    mode: o.mode,
    purpose: o.purpose,
    reference: o.reference,
    amount: money(o.amount),
    businessDate: o.businessDate,
    tradeDate: o.tradeDate,
    confirmDate: o.kind === 'subscription' ? o.settleDate : null,
    payDate: o.kind === 'redemption' ? o.settleDate : null,
    status: o.status,
    acknowledgementId: o.acknowledgementId,
    createdAt: o.createdAt.toISOString(),
    completedAt: o.completedAt?.toISOString() ?? null,
  };
}

function productJson(p: Product) {
  return {
    id: p.id,
    code: p.code,
    nameZh: p.nameZh,
    nameEn: p.nameEn,
    riskLevel: `R${p.riskLevel}`,
    status: p.status,
  };
}

const liquiditySchema = z.object({
  product: productSummary,
  businessDate: z.string(),
  quotaDay: z.string().describe('The calendar day in Shanghai the quick-redemption caps count (usedToday).'),
  available: moneyResponseSchema.describe('What quick redemptions can still draw.'),
  drawnNotRestored: moneyResponseSchema.describe(
    "Drawn by quick redemptions and not yet given back (the day-close gives back each day's draws).",
  ),
  usedToday: moneyResponseSchema,
  fundCapPerDay: moneyResponseSchema,
  fundLeftToday: moneyResponseSchema,
  investorCapPerDay: moneyResponseSchema,
});

export function wealthMmfRoutes(platform: Platform): FastifyPluginAsyncZod {
  const orders = platform.wealth.mmf;

  const liquidityJson = (l: Awaited<ReturnType<typeof orders.liquidity>>) => ({
    product: productJson(l.product),
    businessDate: l.businessDate,
    quotaDay: l.quotaDay,
    available: money(l.available),
    drawnNotRestored: money(l.drawnNotRestored),
    usedToday: money(l.usedToday),
    fundCapPerDay: money(l.fundCapPerDay),
    fundLeftToday: money(l.fundLeftToday < 0n ? 0n : l.fundLeftToday),
    investorCapPerDay: money(l.investorCapPerDay),
  });

  return async (app) => {
    app.get(
      '/wealth/mmf',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            "The money-market fund for the order form: its terms, when an order placed now trades, is confirmed and starts earning, and the caller's quick-redemption quota left today",
          querystring: productQuery,
          response: {
            200: z.object({
              product: productSummary,
              terms: z.object({
                quickPerInvestorPerDay: moneyResponseSchema,
                quickFundPerDay: moneyResponseSchema,
                minSubscription: moneyResponseSchema,
                yieldDefinition: z.enum(['compounded', 'simple']),
              }),
              nav: z.literal('1.0000'),
              businessDate: z.string(),
              cutOff: z.string().describe('15:00 Asia/Shanghai'),
              beforeCutOff: z.boolean(),
              tradeDate: z.string().describe('The trade date of an order placed now.'),
              confirmDate: z.string().describe('A subscription placed now is confirmed on this date.'),
              incomeStartsOn: z.string().describe("A subscription placed now earns this date's income on."),
              normalRedemptionPaidOn: z
                .string()
                .describe('A normal redemption placed now is in the wallet then.'),
              quick: z.object({
                investorLeft: moneyResponseSchema,
                fundLeft: moneyResponseSchema,
                left: moneyResponseSchema.describe(
                  'What the caller can quick-redeem now (before their holding).',
                ),
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const o = await orders.overview(userIdOf(request), request.query.productId);
        return {
          product: productJson(o.product),
          terms: {
            quickPerInvestorPerDay: money(o.terms.quickPerInvestorPerDay),
            quickFundPerDay: money(o.terms.quickFundPerDay),
            minSubscription: money(o.terms.minSubscription),
            yieldDefinition: o.terms.yieldDefinition,
          },
          nav: '1.0000' as const,
          businessDate: o.timing.businessDate,
          cutOff: '15:00',
          beforeCutOff: o.timing.beforeCutOff,
          tradeDate: o.timing.tradeDate,
          confirmDate: o.timing.settleDate,
          incomeStartsOn: o.timing.settleDate,
          normalRedemptionPaidOn: o.timing.settleDate,
          quick: {
            investorLeft: money(o.quick.investorLeft),
            fundLeft: money(o.quick.fundLeft),
            left: money(o.quick.left),
          },
        };
      },
    );

    app.post(
      '/wealth/mmf/subscriptions',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'Subscribe from the wallet (suitability checked): confirmed on the next trading day after the trade date, earning from then',
          body: z
            .object({
              amount: moneySchema(),
              productId: productRef.optional(),
              acknowledgeRisk: z
                .boolean()
                .optional()
                .describe(
                  'The investor acknowledges the warning of a product above their class (409 suitability_warning).',
                ),
              language: z.enum(['zh', 'en']).optional().describe('The language of the warning shown.'),
            })
            .strict(),
          response: { 201: orderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const order = await orders.subscribe(userIdOf(request), {
          amount: cny(b.amount),
          ...(b.productId ? { productId: b.productId } : {}),
          ...(b.acknowledgeRisk !== undefined ? { acknowledgeRisk: b.acknowledgeRisk } : {}),
          ...(b.language ? { language: b.language } : {}),
        });
        return reply.code(201).send(orderJson(order));
      },
    );

    app.post(
      '/wealth/mmf/redemptions',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'Redeem units: normal (frozen now, in the wallet on the next trading day after the trade date) or quick (in the wallet at once, within the daily caps)',
          body: z
            .object({
              units: moneySchema().describe('Units as CNY (1 unit = 1.00 CNY).'),
              mode: z.enum(['normal', 'quick']),
              productId: productRef.optional(),
            })
            .strict(),
          response: { 201: orderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const order = await orders.redeem(userIdOf(request), {
          units: cny(b.units),
          mode: b.mode,
          ...(b.productId ? { productId: b.productId } : {}),
        });
        return reply.code(201).send(orderJson(order));
      },
    );

    app.get(
      '/me/wealth/mmf',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'My money-market fund holding: units, available units (not frozen by a redemption), pending orders and recent orders',
          querystring: productQuery,
          response: {
            200: z.object({
              product: productSummary,
              holdingId: z.string().nullable(),
              units: moneyResponseSchema,
              available: moneyResponseSchema,
              frozen: moneyResponseSchema.describe('Units of normal redemptions not yet paid.'),
              pendingSubscriptions: z.array(orderSchema),
              pendingRedemptions: z.array(orderSchema),
              orders: z.array(orderSchema).describe('The latest 50, newest first.'),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const h = await orders.holdingOf(userIdOf(request), request.query.productId);
        return {
          product: productJson(h.product),
          holdingId: h.holdingId,
          units: money(h.units),
          available: money(h.available),
          frozen: money(h.frozen),
          pendingSubscriptions: h.pendingSubscriptions.map(orderJson),
          pendingRedemptions: h.pendingRedemptions.map(orderJson),
          orders: h.orders.map(orderJson),
        };
      },
    );

    app.post(
      '/wealth/mmf/pay',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            "Pay a merchant order from the fund: a quick redemption of the order's amount and the wallet payment, together or not at all",
          body: z.object({ orderId: z.uuid(), paymentPassword, productId: productRef.optional() }).strict(),
          response: {
            200: z.object({
              paymentOrderId: z.string(),
              status: z.string(),
              amount: moneyResponseSchema,
              redemption: orderSchema,
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const b = request.body;
        const result = await orders.pay(userIdOf(request), {
          orderId: b.orderId,
          paymentPassword: b.paymentPassword,
          ...(b.productId ? { productId: b.productId } : {}),
        });
        return {
          paymentOrderId: result.payment.id,
          status: result.payment.status,
          amount: money(result.payment.amount),
          redemption: orderJson(result.redemption),
        };
      },
    );

    app.post(
      '/wealth/mmf/repay',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'Repay what is due on my loan (all or part) from the fund: a quick redemption of the amount and the repayment, together or not at all',
          body: z
            .object({ loanId: z.uuid(), amount: moneySchema().optional(), productId: productRef.optional() })
            .strict(),
          response: {
            200: z.object({ repayment: anyObject, redemption: orderSchema }),
            ...errors,
          },
        },
      },
      async (request) => {
        const userId = userIdOf(request);
        const b = request.body;
        const result = await orders.repayFromFund(userId, b.productId, (beforeDebit) =>
          platform.lending.repay(
            userId,
            b.loanId,
            { mode: 'due', amount: b.amount ? cny(b.amount) : undefined },
            { beforeDebit: (trx, r) => beforeDebit(trx, r.amount, r.loanId) },
          ),
        );
        return {
          repayment: repaymentJson(result.paid) as Record<string, unknown>,
          redemption: orderJson(result.redemption),
        };
      },
    );

    app.get(
      '/wealth/ops/mmf/day',
      {
        config: { auth: { permission: 'wealth:read' } },
        schema: {
          tags: ['wealth'],
          summary:
            "The money-market fund's subscriptions and redemptions placed on a business date, with totals",
          querystring: z.object({ date: dateText, productId: productRef.optional() }).strict(),
          response: {
            200: z.object({
              product: productSummary,
              date: z.string(),
              totals: z.object({
                subscriptions: z.object({ count: z.number(), amount: moneyResponseSchema }),
                normalRedemptions: z.object({ count: z.number(), amount: moneyResponseSchema }),
                quickRedemptions: z.object({ count: z.number(), amount: moneyResponseSchema }),
              }),
              orders: z
                .array(orderSchema.extend({ userId: z.string() }))
                .describe('At most 1000, oldest first.'),
              truncated: z.boolean(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const d = await orders.day(request.query.date, request.query.productId);
        const total = (t: { count: number; amount: bigint }) => ({ count: t.count, amount: money(t.amount) });
        return {
          product: productJson(d.product),
          date: d.date,
          totals: {
            subscriptions: total(d.totals.subscriptions),
            normalRedemptions: total(d.totals.normalRedemptions),
            quickRedemptions: total(d.totals.quickRedemptions),
          },
          orders: d.orders.map((o) => ({ ...orderJson(o), userId: o.userId })),
          truncated: d.truncated,
        };
      },
    );

    app.get(
      '/wealth/ops/mmf/liquidity',
      {
        config: { auth: { permission: 'wealth:read' } },
        schema: {
          tags: ['wealth'],
          summary:
            "The money-market fund's liquidity for quick redemptions: available, drawn, today's use and caps",
          querystring: productQuery,
          response: { 200: liquiditySchema, ...errors },
        },
      },
      async (request) => liquidityJson(await orders.liquidity(request.query.productId)),
    );

    app.post(
      '/wealth/ops/mmf/liquidity/top-up',
      {
        config: { auth: { permission: 'wealth:manage' } },
        schema: {
          tags: ['wealth'],
          summary: "Top up the fund's liquidity for quick redemptions from the platform's equity; audited",
          body: z
            .object({
              amount: moneySchema(),
              reason: z.string().trim().min(1).max(200),
              productId: productRef.optional(),
            })
            .strict(),
          response: { 200: liquiditySchema, ...errors },
        },
      },
      async (request) =>
        liquidityJson(
          await orders.topUpLiquidity(
            {
              amount: cny(request.body.amount),
              reason: request.body.reason,
              ...(request.body.productId ? { productId: request.body.productId } : {}),
            },
            context(request),
          ),
        ),
    );
  };
}
