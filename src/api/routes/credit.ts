import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { LINE_STATUSES, type Line, type LineBalances } from '../../credit/index.ts';
import { notFound, type PlainDate, parseDate } from '../../kernel/index.ts';
import { REPAYMENT_METHODS } from '../../lending/index.ts';
import { userIdOf } from '../auth.ts';
import { moneySchema } from '../schemas.ts';
import { planJson } from './credit-purchases.ts';
import { context } from './identity.ts';
import { anyObject, cny, errors, idParams, limitQuery, money, toJson } from './lending-schemas.ts';
import { paymentPassword } from './payment-schemas.ts';
import { withBureauConsent } from './privacy-consent.ts';

/** Consumer credit: a customer's line (apply, read, history), cash draws and repayments; staff line management. */
const lineParams = idParams;
const reasonSchema = z.string().trim().min(1).max(200);
const dateText = z
  .string()
  .max(10)
  .refine((t) => parseDate(t).ok, { message: 'date_malformed' });

export function creditRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { credit } = platform;

  async function lineJson(line: Line) {
    const open = line.status === 'active' || line.status === 'frozen' || line.status === 'closed';
    const balances: LineBalances | null = open ? await credit.balances(line.id) : null;
    return {
      id: line.id,
      customerId: line.customerId,
      product: line.productId,
      productVersion: line.productVersion,
      status: line.status,
      reasons: line.reasons,
      grade: line.grade,
      decisionId: line.decisionId,
      grantedLimit: money(line.grantedLimit),
      temporaryRaise:
        line.temporaryRaise > 0n ? { amount: money(line.temporaryRaise), endsOn: line.raiseEndsOn } : null,
      limit: balances ? money(balances.limit) : null,
      available: balances ? money(balances.available) : null,
      used: balances ? money(balances.used) : null,
      // What is owed: cash draws' principal, interest accrued not yet billed, purchases and plans not
      // yet billed, and what the statements still owe (principal, fees, interest, penalty).
      owed: balances
        ? {
            principal: money(balances.principal),
            interest: money(balances.interest),
            unbilled: money(balances.unbilled),
            billed: money(balances.billed),
            total: money(balances.total),
          }
        : null,
      billing: await credit.billing(line.id),
      nextStatement:
        line.status === 'active' || line.status === 'frozen' ? await credit.nextStatement(line.id) : null,
      delinquency: await delinquencyJson(line),
      pricing: credit.pricing(line),
      reviewOn: line.reviewOn,
      openedOn: line.openedOn,
      frozenReason: line.frozenReason,
      createdAt: line.createdAt.toISOString(),
    };
  }

  /** Days past due and the bucket of an open line's oldest delinquent statement (overdue.ts), or null. */
  async function delinquencyJson(line: Line) {
    if (line.status !== 'active' && line.status !== 'frozen') return null;
    const d = await credit.delinquency(line.id);
    return d ? { dpd: d.dpd, bucket: d.bucket, since: d.since, overdue: money(d.overdueAmount) } : null;
  }

  async function ownLine(customerId: string, lineId: string) {
    const line = await credit.line(lineId);
    if (line.customerId !== customerId) throw notFound('line_not_found', 'no such credit line');
    return line;
  }

  /**
   * A line's latest events, newest first. The customer sees who acted as "you", "staff" or "system",
   * never a staff member's user id; staff see the id.
   */
  const history = async (lineId: string, customerId?: string) => ({
    items: (await credit.history(lineId)).map((e) => {
      const json = toJson(e) as Record<string, unknown>;
      if (customerId === undefined) return json;
      const { actorId, ...rest } = json;
      const actor = actorId === customerId ? 'you' : actorId === 'system' ? 'system' : 'staff';
      return { ...rest, actor };
    }),
  });

  return async (app) => {
    app.post(
      '/credit/lines',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            'Apply for a credit line: the line graph decides its limit, daily rate, fees and review date',
          body: z
            .object({
              productId: z.string().max(40).default('everyday-credit'),
              requestedLimit: moneySchema().optional(),
              monthlyIncome: moneySchema({ allowZero: true }),
              monthlyDebt: moneySchema({ allowZero: true }),
              employmentYears: z.number().int().min(0).max(80).nullable().optional(),
              device: z.string().max(100).nullable().optional(),
              bureauConsent: z
                .boolean()
                .optional()
                .describe(
                  'Whether the applicant authorises the credit bureau query (recorded as a consent). Omitted: applying authorises it. false: the bureau is not asked, and the decision is referred as when the bureau is unavailable.',
                ),
            })
            .strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const result = await withBureauConsent(platform, request, b.bureauConsent, 'line_application', () =>
          credit.apply(
            userIdOf(request),
            {
              productId: b.productId,
              requestedLimit: b.requestedLimit ? cny(b.requestedLimit) : undefined,
              monthlyIncome: cny(b.monthlyIncome),
              monthlyDebt: cny(b.monthlyDebt),
              employmentYears: b.employmentYears ?? null,
              device: b.device ?? null,
              ip: request.ip,
            },
            context(request),
          ),
        );
        return reply.code(201).send({ line: await lineJson(result.line), decision: result.decision });
      },
    );
    app.get(
      '/credit/lines',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary: 'My credit lines, newest first, with limit, available, used and the rates with their APR',
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => ({
        items: await Promise.all((await credit.linesOf(userIdOf(request))).map(lineJson)),
      }),
    );
    app.get(
      '/credit/lines/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary: 'My credit line',
          params: lineParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => lineJson(await ownLine(userIdOf(request), request.params.id)),
    );
    app.get(
      '/credit/lines/:id/history',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            "My line's history, newest first (the latest 200): every decision about it with its reason, draws and repayments",
          params: lineParams,
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => {
        const customerId = userIdOf(request);
        return history((await ownLine(customerId, request.params.id)).id, customerId);
      },
    );
    app.post(
      '/credit/lines/:id/draws',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            'Draw cash from my line: daily interest until repaid, or repaid in 3, 6 or 12 monthly instalments; into my wallet, or on to a bound card',
          description:
            'With `cardId` (and the payment password) the draw lands in the wallet and a withdrawal to the card is started; `withdrawal` says whether it started. If it cannot start, the money stays in the wallet.',
          params: lineParams,
          body: z
            .object({
              amount: moneySchema(),
              repayment: z
                .object({ months: z.number().int().min(1).max(36), method: z.enum(REPAYMENT_METHODS) })
                .strict()
                .optional(),
              cardId: z.uuid().optional(),
              paymentPassword,
            })
            .strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const result = await credit.drawCash(userIdOf(request), request.params.id, {
          amount: cny(b.amount),
          ...(b.repayment ? { repayment: b.repayment } : {}),
          ...(b.cardId ? { cardId: b.cardId } : {}),
          ...(b.paymentPassword !== undefined ? { paymentPassword: b.paymentPassword } : {}),
        });
        const { plan, withdrawal, ...rest } = result;
        return reply.code(201).send({
          ...(toJson(rest) as Record<string, unknown>),
          plan: plan ? planJson(plan) : null,
          withdrawal: withdrawal ? (toJson(withdrawal) as Record<string, unknown>) : null,
        });
      },
    );
    app.post(
      '/credit/lines/:id/repayments',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            'Repay from my wallet up to what is payable now, by the waterfall: statements oldest first (penalty, fees, interest, principal), then interest accrued and cash draws',
          params: lineParams,
          body: z.object({ amount: moneySchema() }).strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) => {
        const result = await credit.repay(userIdOf(request), request.params.id, cny(request.body.amount));
        return reply.code(201).send(toJson(result) as Record<string, unknown>);
      },
    );
    app.post(
      '/credit/lines/:id/billing',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            "Choose my line's statement day and days to the due date (within the product's bounds, not while a statement is unpaid) and auto-debit from my wallet",
          params: lineParams,
          body: z
            .object({
              statementDay: z.number().int().min(1).max(28).optional(),
              graceDays: z.number().int().min(1).max(28).optional(),
              autoDebit: z.boolean().optional(),
            })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const customerId = userIdOf(request);
        await credit.setBilling(customerId, request.params.id, request.body);
        return lineJson(await ownLine(customerId, request.params.id));
      },
    );
    app.post(
      '/credit/lines/:id/close',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary: 'Close my line (nothing may be owed on it)',
          params: lineParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => lineJson(await credit.close(request.params.id, { customerId: userIdOf(request) })),
    );

    // Staff ----------------------------------------------------------------------------------
    app.get(
      '/credit/staff/lines',
      {
        config: { auth: { permission: 'credit:read' } },
        schema: {
          tags: ['credit'],
          summary:
            'Search credit lines by customer, status and delinquency (overdue=true: delinquent at the last close) (staff)',
          querystring: limitQuery.extend({
            customerId: z.uuid().optional(),
            status: z.enum(LINE_STATUSES).optional(),
            overdue: z.enum(['true', 'false']).optional(),
            before: z.uuid().optional(),
          }),
          response: {
            200: z.object({ items: z.array(anyObject), nextBefore: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const lines = await credit.search({
          limit: q.limit,
          ...(q.customerId ? { customerId: q.customerId } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.overdue ? { overdue: q.overdue === 'true' } : {}),
          ...(q.before ? { before: q.before } : {}),
        });
        return {
          items: await Promise.all(lines.map(lineJson)),
          nextBefore: lines.length === q.limit ? lines[lines.length - 1]!.id : null,
        };
      },
    );
    app.get(
      '/credit/staff/lines/:id',
      {
        config: { auth: { permission: 'credit:read' } },
        schema: {
          tags: ['credit'],
          summary: 'A credit line with its history (staff)',
          params: lineParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const line = await credit.line(request.params.id);
        return { line: await lineJson(line), history: (await history(line.id)).items };
      },
    );
    // The four decisions share one shape: the line, a body with the reason, the line as it is after.
    const manage = <B extends z.ZodObject>(
      path: string,
      summary: string,
      body: B,
      act: (id: string, body: z.infer<B>, request: Parameters<typeof context>[0]) => Promise<Line>,
    ) =>
      app.post(
        `/credit/staff/lines/:id/${path}`,
        {
          config: { auth: { permission: 'credit:manage' } },
          schema: {
            tags: ['credit'],
            summary,
            params: lineParams,
            body,
            response: { 200: anyObject, ...errors },
          },
        },
        async (request) => lineJson(await act(request.params.id, request.body as z.infer<B>, request)),
      );
    const withReason = z.object({ reason: reasonSchema }).strict();
    manage(
      'freeze',
      'Freeze a line with a reason: no draws until unfrozen (staff)',
      withReason,
      (id, body, request) => credit.freeze(id, body.reason, context(request)),
    );
    manage('unfreeze', 'Unfreeze a line with a reason (staff)', withReason, (id, body, request) =>
      credit.unfreeze(id, body.reason, context(request)),
    );
    manage(
      'raise',
      'Raise a line temporarily until an end date, with a reason (staff)',
      z.object({ amount: moneySchema(), endsOn: dateText, reason: reasonSchema }).strict(),
      (id, body, request) =>
        credit.raise(
          id,
          { amount: cny(body.amount), endsOn: body.endsOn as PlainDate, reason: body.reason },
          context(request),
        ),
    );
    manage(
      'close',
      'Close a line on which nothing is owed, with a reason (staff)',
      withReason,
      (id, body, request) => credit.close(id, { audit: context(request), reason: body.reason }),
    );
  };
}
