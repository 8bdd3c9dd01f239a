import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { CNY, divideRounded, parseAmount } from '../../kernel/index.ts';
import type { EarlyQuote, FixedOffer, FixedPosition, FixedPurchase } from '../../wealth/fixed/service.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import { cny, errors, money } from './lending-schemas.ts';
import { productJson, productParams, productSchema } from './wealth-products.ts';

const holdingParams = z.object({ holdingId: z.uuid() });

const purchaseSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    amount: moneyResponseSchema,
    businessDate: z.string(),
    status: z.enum(['raising', 'holding', 'refunded', 'matured', 'redeemed']),
    holdingId: z.string().nullable(),
    acknowledgementId: z.string().nullable(),
    settledOn: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'FixedTermPurchase' });

const raiseSchema = z.object({
  state: z.enum(['raising', 'valued', 'failed', 'matured']).nullable(),
  open: z.boolean().describe('Whether a purchase can be made today (the business date is within raising).'),
  raised: moneyResponseSchema,
  minTotal: moneyResponseSchema,
  maxTotal: moneyResponseSchema,
  left: moneyResponseSchema.describe('What may still be raised.'),
  progress: z.string().describe('raised ÷ maxTotal in percent, two places, rounded down.'),
  investors: z.number(),
  decidedOn: z.string().nullable(),
  maturedOn: z.string().nullable(),
});

const offerSchema = z
  .object({
    product: productSchema,
    raise: raiseSchema,
    yours: moneyResponseSchema.describe('What you bought of it so far (not refunded).'),
    yoursLeft: moneyResponseSchema.describe(
      'What you may still buy: your cap less what you bought, within what is left.',
    ),
    interestPer10000: moneyResponseSchema.describe(
      'The interest 10,000.00 held from the value date to maturity earns at the stated rate (half-up to the cent).',
    ),
  })
  .meta({ id: 'FixedTermOffer' });

const quoteSchema = z
  .object({
    holdingId: z.string(),
    productId: z.string(),
    mode: z.enum(['reduced_rate', 'fee']),
    businessDate: z.string().describe('The redemption date: the quote holds for this business date only.'),
    principal: moneyResponseSchema,
    valueDate: z.string(),
    days: z.number().describe('Days of interest, from the value date to the redemption date.'),
    rate: z.string().describe('The annual rate those days are paid at.'),
    interest: moneyResponseSchema,
    feeRate: z.string().nullable(),
    fee: moneyResponseSchema,
    net: moneyResponseSchema.describe('What reaches the wallet: principal + interest − fee.'),
    interestAtMaturity: moneyResponseSchema.describe('What holding to maturity would have paid in interest.'),
    maturityDate: z.string(),
  })
  .meta({ id: 'FixedTermEarlyRedemptionQuote' });

const positionSchema = z
  .object({
    product: productSchema,
    raiseState: z.enum(['raising', 'valued', 'failed', 'matured']).nullable(),
    holdingId: z.string().nullable(),
    principal: moneyResponseSchema.describe('Bought and still in the product (raising or held).'),
    expectedInterest: moneyResponseSchema.describe(
      'What holding that principal to maturity pays in interest.',
    ),
    purchases: z.array(purchaseSchema),
    settlement: z
      .object({
        kind: z.enum(['maturity', 'early']),
        principal: moneyResponseSchema,
        days: z.number(),
        rate: z.string(),
        interest: moneyResponseSchema,
        fee: moneyResponseSchema,
        net: moneyResponseSchema,
        businessDate: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'FixedTermPosition' });

function purchaseJson(p: FixedPurchase) {
  return {
    id: p.id,
    productId: p.productId,
    amount: money(p.amount),
    businessDate: p.businessDate,
    status: p.status,
    holdingId: p.holdingId,
    acknowledgementId: p.acknowledgementId,
    settledOn: p.settledOn,
    createdAt: p.createdAt.toISOString(),
  };
}

const minorOf = (text: string) => (parseAmount(text, CNY) as { ok: true; value: bigint }).value;

function offerJson(o: FixedOffer, today: string) {
  const maxTotal = minorOf(o.terms.maxTotal);
  const left = maxTotal - o.figures.raised;
  const yours = o.yours ?? 0n;
  const capLeft = minorOf(o.terms.perInvestorCap) - yours;
  const basisPoints = divideRounded(o.figures.raised * 10_000n, maxTotal, 'down');
  const open = o.raise?.state === 'raising' && today >= o.terms.raiseStart && today <= o.terms.raiseEnd;
  return {
    product: productJson(o.product),
    raise: {
      state: o.raise?.state ?? null,
      open,
      raised: money(o.figures.raised),
      minTotal: money(minorOf(o.terms.minTotal)),
      maxTotal: money(maxTotal),
      left: money(left),
      progress: `${basisPoints / 100n}.${String(basisPoints % 100n).padStart(2, '0')}`,
      investors: o.figures.investors,
      decidedOn: o.raise?.decidedOn ?? null,
      maturedOn: o.raise?.maturedOn ?? null,
    },
    yours: money(yours),
    yoursLeft: money(open ? (capLeft < left ? capLeft : left) : 0n),
    interestPer10000: money(o.interestPer10000),
  };
}

function quoteJson(q: EarlyQuote) {
  return {
    ...q,
    principal: money(q.principal),
    interest: money(q.interest),
    fee: money(q.fee),
    net: money(q.net),
    interestAtMaturity: money(q.interestAtMaturity),
  };
}

function positionJson(p: FixedPosition) {
  return {
    product: productJson(p.product),
    raiseState: p.raiseState,
    holdingId: p.holdingId,
    principal: money(p.principal),
    expectedInterest: money(p.expectedInterest),
    purchases: p.purchases.map(purchaseJson),
    settlement: p.settlement
      ? {
          ...p.settlement,
          principal: money(p.settlement.principal),
          interest: money(p.settlement.interest),
          fee: money(p.settlement.fee),
          net: money(p.settlement.net),
        }
      : null,
  };
}

/**
 * Fixed-term products for investors: the products on sale with their raise, purchases during
 * raising, one's positions, and early redemption (a quote, then its confirmation at that figure).
 */
export function wealthFixedRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { fixed } = platform.wealth;
  const today = () => platform.clock.businessDate();
  return async (app) => {
    app.get(
      '/wealth/fixed',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary: 'Fixed-term products on sale, with their terms and the progress of raising',
          response: { 200: z.object({ items: z.array(offerSchema) }), ...errors },
        },
      },
      async (request) => ({
        items: (await fixed.offers(request.principal.userId ?? undefined)).map((o) => offerJson(o, today())),
      }),
    );

    app.get(
      '/wealth/fixed/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary: 'One fixed-term product on sale, with its terms and the progress of raising',
          params: productParams,
          response: { 200: offerSchema, ...errors },
        },
      },
      async (request) =>
        offerJson(await fixed.offer(request.params.id, request.principal.userId ?? undefined), today()),
    );

    app.get(
      '/wealth/ops/fixed',
      {
        config: { auth: { permission: 'wealth:read' } },
        schema: {
          tags: ['wealth'],
          summary:
            'Every fixed-term product in any state with its raise: raised, left, progress, investors (operations)',
          response: {
            200: z.object({ items: z.array(offerSchema.omit({ yours: true, yoursLeft: true })) }),
            ...errors,
          },
        },
      },
      async () => ({
        items: (await fixed.allOffers()).map((o) => {
          const { yours: _y, yoursLeft: _l, ...rest } = offerJson(o, today());
          return rest;
        }),
      }),
    );

    app.post(
      '/wealth/fixed/:id/purchases',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'Buy a fixed-term product during raising: from the wallet, within the caps, after the suitability check',
          description:
            'A product above your risk class is refused (422 not_suitable) or, where it allows an override, answered 409 suitability_warning with the warning naming both levels; send acknowledgeRisk: true to buy after reading it (the acknowledgement is recorded).',
          params: productParams,
          body: z
            .object({
              amount: moneySchema(),
              acknowledgeRisk: z.boolean().optional(),
              language: z.enum(['zh', 'en']).optional().describe('The language of a suitability warning.'),
            })
            .strict(),
          response: { 201: purchaseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const purchase = await fixed.purchase(userIdOf(request), request.params.id, {
          amount: cny(b.amount),
          ...(b.acknowledgeRisk !== undefined ? { acknowledgeRisk: b.acknowledgeRisk } : {}),
          ...(b.language ? { language: b.language } : {}),
        });
        return reply.code(201).send(purchaseJson(purchase));
      },
    );

    app.get(
      '/me/wealth/fixed',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary: 'My fixed-term positions: purchases, holding, expected interest, and what was paid out',
          response: { 200: z.object({ items: z.array(positionSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await fixed.positionsOf(userIdOf(request))).map(positionJson) }),
    );

    app.get(
      '/me/wealth/fixed/:holdingId/early-redemption',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'What redeeming my holding early would pay today: principal, interest at the penalty terms, fee, net',
          params: holdingParams,
          response: { 200: quoteSchema, ...errors },
        },
      },
      async (request) =>
        quoteJson(await fixed.earlyRedemptionQuote(userIdOf(request), request.params.holdingId)),
    );

    app.post(
      '/me/wealth/fixed/:holdingId/early-redemption',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'Redeem my holding early at the quoted net amount (409 quote_changed if it is no longer the figure)',
          params: holdingParams,
          body: z.object({ net: moneySchema({ allowZero: true }) }).strict(),
          response: { 200: quoteSchema, ...errors },
        },
      },
      async (request) =>
        quoteJson(
          await fixed.redeemEarly(userIdOf(request), request.params.holdingId, cny(request.body.net)),
        ),
    );
  };
}
