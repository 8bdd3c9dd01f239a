import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { CNY, Decimal, formatAmount, type PlainDate, parseDate } from '../../kernel/index.ts';
import type { FundHoldingView, FundOrder, MutualFundTerms } from '../../wealth/funds/service.ts';
import { CUT_OFF, type Product } from '../../wealth/index.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import { context } from './identity.ts';
import { cny, errors, money } from './lending-schemas.ts';

const dateText = z
  .string()
  .max(10)
  .refine((t) => parseDate(t).ok, 'date_malformed');
const ref = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'fund_malformed');
const unitsText = (units: bigint) => formatAmount(units, CNY);
const unitsInput = z
  .string()
  .max(20)
  .regex(/^(0|[1-9][0-9]{0,13})(\.[0-9]{1,2})?$/, 'units_malformed')
  .refine((t) => !/^0(\.0+)?$/.test(t), 'units_must_be_positive')
  .describe('Units as a decimal string of at most two places, e.g. "1234.56".');
const cents = (text: string) => {
  const [whole = '0', fraction = ''] = text.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
};

const navPointSchema = z.object({ date: z.string(), nav: z.string() });

const fundSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    fundCode: z.string(),
    manager: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    riskLevel: z.string(),
    allowOverride: z.boolean(),
    status: z.string(),
    latestNav: navPointSchema.nullable(),
    subscriptionFeeTiers: z.array(
      z.object({
        upTo: moneyResponseSchema
          .nullable()
          .describe('The tier applies to amounts below this (null: no bound).'),
        listedRate: z.string(),
        rate: z.string().describe('The rate charged: listed × platform discount.'),
      }),
    ),
    platformDiscount: z.string(),
    redemptionFeeTiers: z.array(z.object({ heldDaysUnder: z.number().nullable(), rate: z.string() })),
    settlementDays: z
      .number()
      .describe('Redemption money reaches the wallet T+N trading days after the trade date.'),
    minSubscription: moneyResponseSchema,
    cutOff: z.string().describe('HH:MM Asia/Shanghai: orders before it trade at that day’s NAV.'),
    feeFormula: z.string(),
  })
  .meta({ id: 'WealthFund' });

function fundJson(product: Product, terms: MutualFundTerms, latestNav: { date: string; nav: string } | null) {
  const discount = new Decimal(terms.platformDiscount);
  return {
    id: product.id,
    code: product.code,
    fundCode: terms.fundCode,
    manager: terms.manager,
    nameZh: product.nameZh,
    nameEn: product.nameEn,
    riskLevel: `R${product.riskLevel}`,
    allowOverride: product.allowOverride,
    status: product.status,
    latestNav,
    subscriptionFeeTiers: terms.subscriptionFeeTiers.map((t) => ({
      upTo: t.upTo === null ? null : money(cents(t.upTo)),
      listedRate: t.rate,
      rate: new Decimal(t.rate).times(discount).toFixed(),
    })),
    platformDiscount: terms.platformDiscount,
    redemptionFeeTiers: terms.redemptionFeeTiers,
    settlementDays: terms.settlementDays,
    minSubscription: money(cents(terms.minSubscription)),
    cutOff: CUT_OFF,
    feeFormula:
      'fee = amount − amount ÷ (1 + rate), half up to the cent; units = (amount − fee) ÷ NAV of the trade date, down to 0.01',
  };
}

const orderSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['subscription', 'redemption']),
    productId: z.string(),
    status: z.enum(['pending', 'confirmed', 'paid']),
    tradeDate: z.string().describe('Priced at the NAV of this date (unknown-price rule).'),
    confirmDate: z.string().describe('The next trading day after the trade date: when it is confirmed.'),
    payDate: z.string().nullable().describe('Redemptions: the money is in the wallet on this date (T+N).'),
    amount: moneyResponseSchema
      .nullable()
      .describe('Subscription: the money paid; redemption: the gross value once priced.'),
    units: z
      .string()
      .nullable()
      .describe('Subscription: units issued once confirmed; redemption: units redeemed.'),
    fee: moneyResponseSchema.nullable(),
    feeRate: z.string().nullable(),
    net: moneyResponseSchema
      .nullable()
      .describe('Subscription: amount − fee invested; redemption: gross − fee paid.'),
    feeParts: z.unknown().describe('Redemptions: the FIFO lots consumed, with days held and rate.'),
    nav: z.string().nullable(),
    acknowledgementId: z.string().nullable(),
    createdAt: z.string(),
    confirmedAt: z.string().nullable(),
    paidAt: z.string().nullable(),
  })
  .meta({ id: 'WealthFundOrder' });

function orderJson(o: FundOrder) {
  const net = o.amount !== null && o.fee !== null ? money(o.amount - o.fee) : null;
  return {
    id: o.id,
    kind: o.kind,
    productId: o.productId,
    status: o.status,
    tradeDate: o.tradeDate,
    confirmDate: o.confirmDate,
    payDate: o.payDate,
    amount: o.amount === null ? null : money(o.amount),
    units: o.units === null ? null : unitsText(o.units),
    fee: o.fee === null ? null : money(o.fee),
    feeRate: o.feeRate,
    net,
    feeParts: o.feeParts ?? null,
    nav: o.nav,
    acknowledgementId: o.acknowledgementId,
    createdAt: o.createdAt.toISOString(),
    confirmedAt: o.confirmedAt?.toISOString() ?? null,
    paidAt: o.paidAt?.toISOString() ?? null,
  };
}

function holdingJson(h: FundHoldingView) {
  return {
    fund: fundJson(h.product, h.terms, h.latestNav),
    holdingId: h.holdingId,
    units: unitsText(h.units),
    available: unitsText(h.available),
    marketValue: h.marketValue === null ? null : money(h.marketValue),
    cost: money(h.cost),
    profit: h.profit === null ? null : money(h.profit),
    pendingOrders: h.pendingOrders.map(orderJson),
  };
}

/**
 * Distributed mutual funds (基金代销): customers list funds and their NAV history, subscribe and
 * redeem at the unknown price, and see their holdings; operations enter or import NAVs and watch
 * the day's orders.
 */
export function wealthFundRoutes(platform: Platform): FastifyPluginAsyncZod {
  const funds = platform.wealth.funds;
  return async (app) => {
    // A NAV file may be sent as text/csv; the idempotency hash covers its text as it covers JSON.
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: 4 * 1024 * 1024 },
      (request, body, done) => {
        request.rawBody = `text/csv ${body as string}`;
        done(null, { csv: body as string });
      },
    );

    app.get(
      '/wealth/funds',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary: 'Distributed mutual funds on sale: latest NAV, fees (listed and charged), risk level, T+N',
          response: { 200: z.object({ items: z.array(fundSchema) }), ...errors },
        },
      },
      async () => ({ items: (await funds.list()).map((f) => fundJson(f.product, f.terms, f.latestNav)) }),
    );

    app.get(
      '/wealth/funds/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary: "A fund on sale and its NAV history (the chart's points), default the last 90 days",
          params: z.object({ id: ref }),
          querystring: z.object({ from: dateText.optional(), to: dateText.optional() }).strict(),
          response: { 200: fundSchema.extend({ history: z.array(navPointSchema) }), ...errors },
        },
      },
      async (request) => {
        const f = await funds.fund(request.params.id, {
          ...(request.query.from ? { from: request.query.from as PlainDate } : {}),
          ...(request.query.to ? { to: request.query.to as PlainDate } : {}),
        });
        return { ...fundJson(f.product, f.terms, f.latestNav), history: f.history };
      },
    );

    app.post(
      '/wealth/funds/:id/subscriptions',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'Subscribe from the wallet at the unknown price: priced at the NAV of the trade date (before 15:00 on a trading day: that day), confirmed on the next trading day',
          params: z.object({ id: ref }),
          body: z
            .object({
              amount: moneySchema(),
              acknowledgeRisk: z
                .boolean()
                .optional()
                .describe('Acknowledges the warning of a fund above your class.'),
              language: z.enum(['zh', 'en']).optional(),
            })
            .strict(),
          response: { 201: orderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const order = await funds.subscribe({
          userId: userIdOf(request),
          fund: request.params.id,
          amount: cny(request.body.amount),
          acknowledged: request.body.acknowledgeRisk ?? false,
          ...(request.body.language ? { language: request.body.language } : {}),
        });
        return reply.code(201).send(orderJson(order));
      },
    );

    app.post(
      '/wealth/funds/:id/redemptions',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'Redeem units at the unknown price: frozen now, priced at the NAV of the trade date less the redemption fee by holding period (FIFO), paid to the wallet T+N',
          params: z.object({ id: ref }),
          body: z.object({ units: unitsInput }).strict(),
          response: { 201: orderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const order = await funds.redeem({
          userId: userIdOf(request),
          fund: request.params.id,
          units: cents(request.body.units),
        });
        return reply.code(201).send(orderJson(order));
      },
    );

    app.get(
      '/me/wealth/funds',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'My fund holdings: units, market value at the latest NAV, cost (average cost), profit and loss, orders not yet done; and my recent orders',
          response: {
            200: z.object({
              holdings: z.array(
                z.object({
                  fund: fundSchema,
                  holdingId: z.string(),
                  units: z.string(),
                  available: z.string().describe('Units not frozen by a redemption.'),
                  marketValue: moneyResponseSchema.nullable(),
                  cost: moneyResponseSchema,
                  profit: moneyResponseSchema.nullable(),
                  pendingOrders: z.array(orderSchema),
                }),
              ),
              orders: z.array(orderSchema),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const userId = userIdOf(request);
        return {
          holdings: (await funds.holdings(userId)).map(holdingJson),
          orders: (await funds.orders(userId)).map(orderJson),
        };
      },
    );

    app.post(
      '/wealth/ops/funds/navs',
      {
        config: { auth: { permission: 'wealth:manage' } },
        schema: {
          tags: ['wealth'],
          summary:
            "Enter a fund's NAV for a trading day (equal to the one entered: no-op; one that priced orders: 409); audited",
          body: z
            .object({
              productId: ref.optional(),
              fundCode: z
                .string()
                .regex(/^[0-9]{6}$/, 'fund_code_malformed')
                .optional(),
              date: dateText,
              nav: z.string().max(20),
            })
            .strict()
            .refine((b) => (b.productId === undefined) !== (b.fundCode === undefined), {
              message: 'fund_required',
            }),
          response: {
            200: z.object({
              productId: z.string(),
              fundCode: z.string(),
              date: z.string(),
              nav: z.string(),
              result: z.enum(['created', 'unchanged', 'changed']),
            }),
            ...errors,
          },
        },
      },
      async (request) =>
        funds.enterNav(
          {
            fund: (request.body.productId ?? request.body.fundCode)!,
            date: request.body.date,
            nav: request.body.nav,
          },
          context(request),
        ),
    );

    app.post(
      '/wealth/ops/funds/navs/import',
      {
        config: { auth: { permission: 'wealth:manage' } },
        schema: {
          tags: ['wealth'],
          summary:
            'Import NAVs from a CSV (header "fund code,date,nav"), as text/csv or JSON {csv}: all lines or none, bad lines named with their numbers; audited',
          body: z
            .object({
              csv: z
                .string()
                .min(1)
                .max(4 * 1024 * 1024),
            })
            .strict(),
          response: {
            200: z.object({
              lines: z.number(),
              created: z.number(),
              changed: z.number(),
              unchanged: z.number(),
            }),
            ...errors,
          },
        },
      },
      async (request) => funds.importNavs(request.body.csv, context(request)),
    );

    app.get(
      '/wealth/ops/funds/orders',
      {
        config: { auth: { permission: 'wealth:read' } },
        schema: {
          tags: ['wealth'],
          summary:
            "The orders of a trade date (default today's) and every fund and date still waiting for its NAV",
          querystring: z.object({ date: dateText.optional() }).strict(),
          response: {
            200: z.object({
              date: z.string(),
              orders: z.array(
                orderSchema.extend({ userId: z.string(), productCode: z.string(), navMissing: z.boolean() }),
              ),
              waitingForNav: z.array(
                z.object({ productId: z.string(), tradeDate: z.string(), orders: z.number() }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const date = (request.query.date ?? platform.clock.businessDate()) as PlainDate;
        const { orders, waitingForNav } = await funds.ordersOn(date);
        return {
          date,
          orders: orders.map((o) => ({
            ...orderJson(o),
            userId: o.userId,
            productCode: o.productCode,
            navMissing: o.navMissing,
          })),
          waitingForNav: waitingForNav.map((w) => ({
            productId: w.product_id,
            tradeDate: w.trade_date,
            orders: w.orders,
          })),
        };
      },
    );
  };
}
