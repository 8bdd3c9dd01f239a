import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { RESOLUTIONS } from '../../payments/index.ts';
import { moneyResponseSchema, rateSchema } from '../schemas.ts';
import { context } from './identity.ts';
import { dateQuery, errors, money, orderParams } from './payment-schemas.ts';

/** Payment channels' signed notifications, and finance's exceptions and reconciliations. */
export function paymentOperationsRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { payments } = platform;
  return async (app) => {
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
      amount: moneyResponseSchema.nullable(),
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
            amount: r.amount === null ? null : money(r.amount),
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

    // Merchants' terms for purchases paid with credit: the merchant discount rate (consumer credit).
    const merchantTermsSchema = z
      .object({
        id: z.string(),
        name: z.string(),
        status: z.string(),
        discountRate: z.string().describe('The share of a purchase paid with credit kept as the discount.'),
        createdAt: z.string(),
      })
      .meta({ id: 'MerchantTerms' });
    const termsJson = (m: Awaited<ReturnType<typeof payments.merchantTerms>>) => ({
      ...m,
      createdAt: m.createdAt.toISOString(),
    });

    app.get(
      '/payments/staff/merchants/:id',
      {
        config: { auth: { permission: 'credit:read' } },
        schema: {
          tags: ['payments'],
          summary: "A merchant's terms, with the discount rate on purchases paid with credit (staff)",
          params: orderParams,
          response: { 200: merchantTermsSchema, ...errors },
        },
      },
      async (request) => termsJson(await payments.merchantTerms(request.params.id)),
    );

    app.put(
      '/payments/staff/merchants/:id/discount-rate',
      {
        config: { auth: { permission: 'credit:manage' } },
        schema: {
          tags: ['payments'],
          summary: "Set a merchant's discount rate on purchases paid with credit (staff, audited)",
          params: orderParams,
          body: z.object({ rate: rateSchema }).strict(),
          response: { 200: merchantTermsSchema, ...errors },
        },
      },
      async (request) =>
        termsJson(await payments.setDiscountRate(request.params.id, request.body.rate, context(request))),
    );

    const reconciliationSchema = z.object({
      channel: z.string(),
      businessDate: z.string(),
      counts: z.record(z.string(), z.number()),
    });

    const flowSchema = z.object({
      count: z.number(),
      amount: moneyResponseSchema,
      byChannel: z.array(z.object({ channel: z.string(), count: z.number(), amount: moneyResponseSchema })),
    });
    const flowJson = (f: {
      count: number;
      amount: bigint;
      byChannel: { channel: string; count: number; amount: bigint }[];
    }) => ({
      count: f.count,
      amount: money(f.amount),
      byChannel: f.byChannel.map((c) => ({ channel: c.channel, count: c.count, amount: money(c.amount) })),
    });
    app.get(
      '/finance/day-summary',
      {
        config: { auth: { permission: 'payments:reconcile' } },
        schema: {
          tags: ['finance'],
          summary:
            "A business day's money in (top-ups) and out (withdrawals) by channel, what is still pending, and the open exceptions with their amount (the business date by default)",
          querystring: z.object({ date: dateQuery.optional() }).strict(),
          response: {
            200: z.object({
              businessDate: z.string(),
              topUps: flowSchema,
              withdrawals: flowSchema,
              pending: z.object({ count: z.number(), amount: moneyResponseSchema }),
              exceptions: z.object({ open: z.number(), amount: moneyResponseSchema }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const s = await payments.daySummary(request.query.date ?? platform.clock.businessDate());
        return {
          businessDate: s.businessDate,
          topUps: flowJson(s.topUps),
          withdrawals: flowJson(s.withdrawals),
          pending: { count: s.pending.count, amount: money(s.pending.amount) },
          exceptions: { open: s.exceptions.open, amount: money(s.exceptions.amount) },
        };
      },
    );

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
