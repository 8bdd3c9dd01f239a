import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import type { StatementDetail, StatementView } from '../../credit/index.ts';
import { notFound } from '../../kernel/index.ts';
import { userIdOf } from '../auth.ts';
import { planJson } from './credit-purchases.ts';
import { anyObject, errors, idParams, money } from './lending-schemas.ts';

/**
 * Consumer credit: a line's statements, each with its detail, and converting one into instalments
 * (see docs/credit.md, "Statements" and "Converting a statement"). A customer reads only their own
 * lines (another's is `line_not_found`); staff with credit:read read any.
 */
const statementParams = z.object({ id: z.uuid(), statementId: z.uuid() });

export function statementJson(s: StatementView) {
  return {
    id: s.id,
    lineId: s.lineId,
    statementDate: s.statementDate,
    periodStart: s.periodStart,
    dueOn: s.dueOn,
    billed: {
      principal: money(s.billed.principal),
      fees: money(s.billed.fees),
      interest: money(s.billed.interest),
      penalty: money(s.billed.penalty),
    },
    carried: money(s.carried),
    total: money(s.total),
    minPayment: money(s.minPayment),
    paid: money(s.paid),
    unpaid: money(s.unpaid),
    unpaidParts: {
      penalty: money(s.unpaidParts.penalty),
      fees: money(s.unpaidParts.fees),
      interest: money(s.unpaidParts.interest),
      principal: money(s.unpaidParts.principal),
    },
    status: s.status,
    convertible: s.convertible,
    convertedPlanId: s.convertedPlanId,
    settledOn: s.settledOn,
  };
}

export function statementDetailJson(s: StatementDetail) {
  return {
    ...statementJson(s),
    items: s.items.map((i) => ({
      date: i.date,
      kind: i.kind,
      description: i.description,
      amount: money(i.amount),
    })),
    cashDrawBalance: money(s.cashDrawBalance),
  };
}

export function creditStatementsRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { credit } = platform;

  async function ownLine(customerId: string, lineId: string) {
    const line = await credit.line(lineId);
    if (line.customerId !== customerId) throw notFound('line_not_found', 'no such credit line');
    return line;
  }

  const list = async (lineId: string) => ({
    items: (await credit.statements(lineId)).map(statementJson),
  });

  return async (app) => {
    app.get(
      '/credit/lines/:id/statements',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary: "My line's statements, newest first: billed, minimum payment, due date, paid and unpaid",
          params: idParams,
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => list((await ownLine(userIdOf(request), request.params.id)).id),
    );
    app.get(
      '/credit/lines/:id/statements/:statementId',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            'One of my statements with its items: purchases, refunds, draws, repayments, instalments, interest, fees and penalty',
          params: statementParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const line = await ownLine(userIdOf(request), request.params.id);
        return statementDetailJson(await credit.statement(line.id, request.params.statementId));
      },
    );
    app.post(
      '/credit/lines/:id/statements/:statementId/convert',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['credit'],
          summary:
            "Convert a statement's unpaid principal into 3, 6 or 12 monthly instalments at the line's fee, by its due date, once",
          params: statementParams,
          body: z.object({ months: z.union([z.literal(3), z.literal(6), z.literal(12)]) }).strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) => {
        const { statement, plan } = await credit.convertStatement(
          userIdOf(request),
          request.params.id,
          request.params.statementId,
          request.body.months,
        );
        return reply.code(201).send({ statement: statementDetailJson(statement), plan: planJson(plan) });
      },
    );

    // Staff ----------------------------------------------------------------------------------
    app.get(
      '/credit/staff/lines/:id/statements',
      {
        config: { auth: { permission: 'credit:read' } },
        schema: {
          tags: ['credit'],
          summary: "A line's statements, newest first (staff)",
          params: idParams,
          response: { 200: z.object({ items: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => list((await credit.line(request.params.id)).id),
    );
  };
}
