import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { Decimal, notFound } from '../../kernel/index.ts';
import { userIdOf } from '../auth.ts';
import { moneySchema, rateSchema } from '../schemas.ts';
import { context } from './identity.ts';

import {
  anyObject,
  cny,
  errors,
  idParams,
  limitQuery,
  loanJson,
  loanSchema,
  noteListingJson,
  noteMarketRowSchema,
  payoffJson,
  payoffSchema,
  publicNoteListingJson,
  publicNoteListingSchema,
  repaymentJson,
  toJson,
  viewJson,
  yuan,
} from './lending-schemas.ts';

/** A borrower's loans and repayments; an investor's statement, notes and their sale. */
export function lendingAccountRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { lending } = platform;
  return async (app) => {
    // Borrowers -------------------------------------------------------------------------------
    const ownLoan = async (request: { params: { id: string } } & Parameters<typeof userIdOf>[0]) => {
      const loan = await lending.loan(request.params.id);
      if (loan.borrowerId !== userIdOf(request)) throw notFound('loan_not_found', 'no such loan');
      return loan;
    };
    app.get(
      '/me/loans',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'My loans, from listing to paid off: schedules, what is due, payoff today',
          response: { 200: z.array(anyObject), ...errors },
        },
      },
      async (request) =>
        Promise.all(
          (await lending.borrowerStatement(userIdOf(request))).map(async (v) =>
            viewJson(v, await lending.apr(v.loan)),
          ),
        ),
    );
    app.get(
      '/me/loans/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'One of my loans',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        await ownLoan(request);
        const view = await lending.loanView(request.params.id);
        return viewJson(view, await lending.apr(view.loan));
      },
    );
    app.get(
      '/me/loans/:id/payoff',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'What paying the loan off today would take',
          params: idParams,
          response: { 200: payoffSchema, ...errors },
        },
      },
      async (request) => payoffJson(await lending.payoffQuote(userIdOf(request), request.params.id)),
    );
    app.post(
      '/me/loans/:id/repayments',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'Repay from the wallet: what is due (all or part), or the next instalment early too',
          params: idParams,
          body: z
            .object({ mode: z.enum(['due', 'next']).default('due'), amount: moneySchema().optional() })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const result = await lending.repay(userIdOf(request), request.params.id, {
          mode: request.body.mode,
          amount: request.body.amount ? cny(request.body.amount) : undefined,
        });
        return repaymentJson(result);
      },
    );
    app.post(
      '/me/loans/:id/prepayments',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'Prepay part of the principal (with its interest to date and the prepayment fee)',
          params: idParams,
          body: z
            .object({ principal: moneySchema(), option: z.enum(['shorten_term', 'lower_installment']) })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        repaymentJson(
          await lending.prepay(userIdOf(request), request.params.id, {
            principal: cny(request.body.principal),
            option: request.body.option,
          }),
        ) as Record<string, unknown>,
    );
    app.post(
      '/me/loans/:id/payoff',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'Pay the loan off today',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const result = await lending.payoff(userIdOf(request), request.params.id);
        const { quote, ...rest } = result;
        return { ...repaymentJson(rest), quote: payoffJson(quote) };
      },
    );
    app.post(
      '/me/loans/:id/recoveries',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'Pay towards a written-off loan',
          params: idParams,
          body: z.object({ amount: moneySchema() }).strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        repaymentJson(
          await lending.recover(userIdOf(request), request.params.id, cny(request.body.amount)),
        ) as Record<string, unknown>,
    );

    // Investors ------------------------------------------------------------------------------
    app.get(
      '/me/investments',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary:
            'My investments: invested, outstanding, received and to come, overdue and advanced, XIRR, notes',
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        toJson(await lending.investorStatement(userIdOf(request))) as Record<string, unknown>,
    );
    app.post(
      '/me/notes/:id/listings',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'Offer all or part of a note on the secondary market (债权转让)',
          params: idParams,
          body: z.object({ principal: moneySchema().optional(), discountRate: rateSchema }).strict(),
          response: { 201: anyObject, ...errors },
        },
      },
      async (request, reply) => {
        const listing = await lending.listNote(
          userIdOf(request),
          request.params.id,
          {
            principal: request.body.principal ? cny(request.body.principal) : undefined,
            discountRate: request.body.discountRate,
          },
          context(request),
        );
        reply.code(201);
        return noteListingJson(listing) as Record<string, unknown>;
      },
    );
    app.post(
      '/me/note-listings/:id/withdraw',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'Withdraw my note listing',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        noteListingJson(await lending.withdrawNoteListing(userIdOf(request), request.params.id)) as Record<
          string,
          unknown
        >,
    );
    app.get(
      '/lending/note-listings',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary:
            "Notes for sale, each with its loan's rate, grade and term, the instalments left, and today's price, accrued interest and the buyer's yield to maturity",
          querystring: limitQuery,
          response: { 200: z.array(noteMarketRowSchema), ...errors },
        },
      },
      async (request) =>
        (await lending.noteMarket(request.query.limit, request.principal.userId ?? null)).map((q) => ({
          ...publicNoteListingJson(q.listing),
          product: `${q.loan.productId}@${q.loan.productVersion}`,
          annualRate: new Decimal(q.loan.annualRate).toFixed(4),
          grade: q.loan.grade,
          term: q.loan.term,
          termUnit: q.loan.termUnit,
          remainingInstalments: q.remainingInstalments,
          maturityDate: q.maturityDate,
          price: yuan(q.price),
          accruedInterest: yuan(q.accrued),
          total: yuan(q.total),
          yieldToMaturity: q.yieldToMaturity,
        })),
    );
    app.get(
      '/lending/note-listings/:id',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary:
            'A note for sale and what buying it costs today (price plus accrued interest); whether it is yours, not who sells it',
          params: idParams,
          response: {
            200: z.object({
              listing: publicNoteListingSchema,
              loan: loanSchema,
              price: z.string(),
              accruedInterest: z.string(),
              total: z.string(),
              sellerFee: z.string(),
              remainingInstalments: z.number().int(),
              maturityDate: z.string().nullable(),
              yieldToMaturity: z.string().nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const q = await lending.quoteNoteListing(request.params.id, request.principal.userId ?? null);
        return {
          listing: publicNoteListingJson(q.listing),
          loan: loanJson(q.loan, null, await lending.apr(q.loan)),
          price: yuan(q.price),
          accruedInterest: yuan(q.accrued),
          total: yuan(q.total),
          sellerFee: yuan(q.sellerFee),
          remainingInstalments: q.remainingInstalments,
          maturityDate: q.maturityDate,
          yieldToMaturity: q.yieldToMaturity,
        };
      },
    );
    app.post(
      '/lending/note-listings/:id/buy',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'Buy a note for sale',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        noteListingJson(
          await lending.buyNote(userIdOf(request), request.params.id, context(request)),
        ) as Record<string, unknown>,
    );
  };
}
