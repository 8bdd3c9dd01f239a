import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { notFound, parseDate, plainDate } from '../../kernel/index.ts';
import { moneyResponseSchema, moneySchema } from '../schemas.ts';
import { context } from './identity.ts';

import {
  anyObject,
  bidJson,
  cny,
  errors,
  idParams,
  limitQuery,
  loanJson,
  loanSchema,
  money,
  toJson,
  viewJson,
} from './lending-schemas.ts';

/** Staff: loans, contracts, second review, the lending day, the reserve. */
export function lendingStaffRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { lending } = platform;
  return async (app) => {
    // Staff ----------------------------------------------------------------------------------
    app.get(
      '/lending/loans',
      {
        config: { auth: { permission: 'lending:read' } },
        schema: {
          tags: ['lending'],
          summary: 'Loans and listings by status (staff)',
          querystring: limitQuery.extend({
            status: z.enum(['listing', 'full', 'failed', 'active', 'repaid', 'written_off']).optional(),
            before: z.uuid().optional(),
          }),
          response: {
            200: z.object({ items: z.array(loanSchema), nextBefore: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const loans = await lending.loans({
          ...(q.status ? { status: [q.status] } : {}),
          limit: q.limit,
          ...(q.before ? { before: q.before } : {}),
        });
        const items = await Promise.all(
          loans.map(async (l) =>
            loanJson(
              l,
              l.status === 'listing' || l.status === 'full' ? await lending.raised(l.id) : null,
              await lending.apr(l),
            ),
          ),
        );
        return { items, nextBefore: loans.length === q.limit ? loans[loans.length - 1]!.id : null };
      },
    );
    app.get(
      '/lending/loans/:id',
      {
        config: { auth: { permission: 'lending:read' } },
        schema: {
          tags: ['lending'],
          summary: 'A loan with its schedule and state (staff)',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const loan = await lending.loan(request.params.id);
        if (loan.status === 'listing' || loan.status === 'full' || loan.status === 'failed')
          return {
            loan: loanJson(loan, await lending.raised(loan.id), await lending.apr(loan)),
            bids: (await lending.bids({ loanId: loan.id, limit: 200 })).map(bidJson),
          };
        const view = await lending.loanView(request.params.id);
        return viewJson(view, await lending.apr(view.loan));
      },
    );
    app.get(
      '/lending/loans/:id/contract',
      {
        config: { auth: { permission: 'lending:read' } },
        schema: {
          tags: ['lending'],
          summary: 'The loan contract: terms, parties and digest',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const contract = await lending.contract(request.params.id);
        if (!contract) throw notFound('contract_not_found', 'this loan has no contract yet');
        return toJson(contract) as Record<string, unknown>;
      },
    );
    app.post(
      '/lending/loans/:id/second-review',
      {
        config: { auth: { permission: 'lending:review' } },
        schema: {
          tags: ['lending'],
          summary:
            'Second review of a full listing (满标复审): approve to disburse, or reject to release every bid',
          params: idParams,
          body: z
            .object({
              decision: z.enum(['approve', 'reject']),
              reason: z.string().min(1).max(500).optional(),
            })
            .strict(),
          response: { 200: loanSchema, ...errors },
        },
      },
      async (request) => {
        const { decision, reason } = request.body;
        const loan =
          decision === 'approve'
            ? await lending.approveFull(request.params.id, context(request))
            : await lending.rejectFull(
                request.params.id,
                reason ?? 'rejected on second review',
                context(request),
              );
        return loanJson(loan, null, await lending.apr(loan));
      },
    );
    app.post(
      '/lending/run-day',
      {
        config: { auth: { permission: 'lending:operate' } },
        schema: {
          tags: ['lending'],
          summary: 'Run the lending day for every date up to the one given (idempotent)',
          body: z
            .object({ date: z.string().refine((t) => parseDate(t).ok, { message: 'date_malformed' }) })
            .strict(),
          response: { 200: z.object({ days: z.array(anyObject) }), ...errors },
        },
      },
      async (request) => ({
        days: (await lending.runDays(plainDate(request.body.date))).map((d) => ({ ...d })),
      }),
    );
    app.get(
      '/lending/reserve',
      {
        config: { auth: { permission: 'lending:read' } },
        schema: {
          tags: ['lending'],
          summary: 'The risk reserve fund: balance, overdue principal, coverage, advances',
          response: {
            200: z.object({
              balance: moneyResponseSchema,
              overduePrincipal: moneyResponseSchema,
              coverage: z.string().nullable(),
              advancedPrincipal: moneyResponseSchema,
              advancedInterest: moneyResponseSchema,
              shortfall: moneyResponseSchema,
            }),
            ...errors,
          },
        },
      },
      async () => {
        const r = await lending.reserve();
        return {
          balance: money(r.balance),
          overduePrincipal: money(r.overduePrincipal),
          coverage: r.coverage,
          advancedPrincipal: money(r.advancedPrincipal),
          advancedInterest: money(r.advancedInterest),
          shortfall: money(r.shortfall),
        };
      },
    );
    app.post(
      '/lending/reserve/fund',
      {
        config: { auth: { permission: 'lending:operate' } },
        schema: {
          tags: ['lending'],
          summary: 'Put operator capital into the risk reserve fund',
          body: z.object({ amount: moneySchema() }).strict(),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await lending.fundReserve(cny(request.body.amount), context(request));
        reply.code(204);
        return null;
      },
    );
  };
}
