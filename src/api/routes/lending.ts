import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { QUESTIONNAIRE } from '../../identity/index.ts';
import { PURPOSES, previewSchedule, REPAYMENT_METHODS } from '../../lending/index.ts';
import { userIdOf } from '../auth.ts';
import { moneyResponseSchema, moneySchema, rateSchema } from '../schemas.ts';
import { context } from './identity.ts';
import {
  anyObject,
  applicationJson,
  applicationSchema,
  bidJson,
  bidSchema,
  cny,
  errors,
  idParams,
  limitQuery,
  loanJson,
  loanSchema,
  money,
  productJson,
  productSchema,
  scheduleQuery,
  scheduleSchema,
  toJson,
} from './lending-schemas.ts';
import { withBureauConsent } from './privacy-consent.ts';

/** The marketplace: the risk questionnaire, products and schedules, applications, listings, bids and auto-invest. */
export function lendingRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { lending, identity } = platform;
  return async (app) => {
    // Suitability -------------------------------------------------------------------------------
    app.get(
      '/risk-questionnaire',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary: 'The investor risk questionnaire (answer 1-4 for each question)',
          response: { 200: z.array(anyObject) },
        },
      },
      async () => QUESTIONNAIRE.map((q) => ({ ...q })),
    );
    app.post(
      '/me/risk-assessment',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary:
            'Answer the risk questionnaire: your risk class C1-C5 (and whether of the lowest risk tolerance), valid two years; it may be retaken only after the retake interval (429 assessment_too_soon with details.nextAllowedOn)',
          body: z.object({ answers: z.array(z.number().int()).max(20) }).strict(),
          response: { 200: anyObject, ...errors, 429: errors[400] },
        },
      },
      async (request) =>
        toJson(
          await identity.suitability.assess(userIdOf(request), request.body.answers, context(request)),
        ) as Record<string, unknown>,
    );
    app.get(
      '/me/risk-assessment',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'My risk class, and the first date on which I may retake the questionnaire',
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const assessment = await identity.suitability.assessment(userIdOf(request));
        return (
          (toJson(assessment) as Record<string, unknown>) ?? {
            riskClass: null,
            lowest: false,
            valid: false,
            nextAllowedOn: null,
            retakeAllowed: true,
          }
        );
      },
    );
    app.get(
      '/me/risk-assessment/history',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary:
            'Every risk assessment I have taken, the latest first; a change of more than one class step is flagged',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(100) }),
          response: { 200: z.array(anyObject), ...errors },
        },
      },
      async (request) =>
        toJson(await identity.suitability.history(userIdOf(request), request.query.limit)) as Record<
          string,
          unknown
        >[],
    );

    // Products and schedules ------------------------------------------------------------------
    app.get(
      '/lending/products',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary: 'Loan products (the current version of each)',
          response: { 200: z.array(productSchema) },
        },
      },
      async () => (await lending.products.list()).map(productJson),
    );
    app.get(
      '/lending/products/:id',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary: 'A loan product and its versions',
          params: z.object({ id: z.string().max(40) }),
          response: {
            200: z.object({ current: productSchema, versions: z.array(productSchema) }),
            ...errors,
          },
        },
      },
      async (request) => {
        const versions = await lending.products.versions(request.params.id);
        return { current: productJson(versions[0]!), versions: versions.map(productJson) };
      },
    );
    app.put(
      '/lending/products/:id',
      {
        config: { auth: { permission: 'lending:manage' } },
        schema: {
          tags: ['lending'],
          summary:
            'Create a loan product or save a new version of it (loans keep the version they were made under)',
          params: z.object({ id: z.string().max(40) }),
          body: z.object({ config: anyObject, status: z.enum(['active', 'retired']).optional() }).strict(),
          response: { 200: productSchema, ...errors },
        },
      },
      async (request) =>
        productJson(await lending.products.save(request.params.id, request.body, context(request))),
    );
    app.get(
      '/lending/schedule-preview',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary: 'A repayment schedule, exact to the cent, with the APR',
          querystring: scheduleQuery,
          response: { 200: scheduleSchema, ...errors },
        },
      },
      async (request) => previewSchedule(request.query, platform.clock.businessDate()),
    );

    // Applications and listings ---------------------------------------------------------------
    app.post(
      '/lending/applications',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary:
            'Apply for a loan: the risk decision, then a listing (approved) or manual review (referred)',
          body: z
            .object({
              productId: z.string().min(1).max(40),
              amount: moneySchema(),
              term: z.number().int().min(1).max(3650),
              method: z.enum(REPAYMENT_METHODS),
              purpose: z.enum(PURPOSES),
              monthlyIncome: moneySchema({ allowZero: true }),
              monthlyDebt: moneySchema({ allowZero: true }),
              employmentYears: z.number().min(0).max(60).nullable().optional(),
              device: z.string().max(100).optional(),
              bureauConsent: z
                .boolean()
                .optional()
                .describe(
                  'Whether the applicant authorises the credit bureau query (recorded as a consent). Omitted: applying authorises it. false: the bureau is not asked, and the decision is referred as when the bureau is unavailable.',
                ),
            })
            .strict(),
          response: {
            201: z.object({
              application: applicationSchema,
              decision: z.object({
                outcome: z.string(),
                grade: z.string().nullable(),
                annualRate: z.string().nullable().describe('The nominal annual interest rate, without fees.'),
                apr: z
                  .string()
                  .nullable()
                  .describe(
                    'The annual percentage rate of all borrowing costs by the IRR method (as on the Loan) of the loan offered: the listing when approved, the terms decided when referred; null when declined.',
                  ),
                reasons: z.array(z.string()),
              }),
              loan: loanSchema.nullable(),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const result = await withBureauConsent(platform, request, b.bureauConsent, 'loan_application', () =>
          lending.apply(
            userIdOf(request),
            {
              productId: b.productId,
              amount: cny(b.amount),
              term: b.term,
              method: b.method,
              purpose: b.purpose,
              monthlyIncome: cny(b.monthlyIncome),
              monthlyDebt: cny(b.monthlyDebt),
              employmentYears: b.employmentYears ?? null,
              device: b.device ?? null,
              ip: request.ip,
            },
            context(request),
          ),
        );
        reply.code(201);
        return {
          application: applicationJson(result.application),
          decision: {
            outcome: result.decision.outcome,
            grade: result.decision.grade,
            annualRate: result.decision.annualRate,
            apr: result.apr,
            reasons: result.decision.reasons,
          },
          loan: result.loan ? loanJson(result.loan, 0n, await lending.apr(result.loan)) : null,
        };
      },
    );
    app.get(
      '/lending/applications',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'My loan applications',
          response: { 200: z.array(applicationSchema), ...errors },
        },
      },
      async (request) => (await lending.applications(userIdOf(request))).map(applicationJson),
    );
    app.get(
      '/lending/listings',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary: 'Open listings with progress to full',
          querystring: limitQuery.extend({ before: z.uuid().optional() }),
          response: {
            200: z.object({ items: z.array(loanSchema), nextBefore: z.string().nullable() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const loans = await lending.loans({
          status: ['listing'],
          limit: request.query.limit,
          ...(request.query.before ? { before: request.query.before } : {}),
        });
        const items = await Promise.all(
          loans.map(async (l) => loanJson(l, await lending.raised(l.id), await lending.apr(l))),
        );
        return {
          items,
          nextBefore: loans.length === request.query.limit ? loans[loans.length - 1]!.id : null,
        };
      },
    );
    app.get(
      '/lending/platform-figures',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary:
            "The platform's figures for anyone: principal lent, loans funded, investors and borrowers, outstanding and overdue principal, the overdue rate, the risk reserve and its coverage (kept 60 s); nothing about any one person",
          response: {
            200: z.object({
              lentPrincipal: moneyResponseSchema.describe('Principal of every loan ever disbursed'),
              loansFunded: z.number().int(),
              investors: z.number().int().describe('People who ever held a note (funded or bought one)'),
              borrowers: z.number().int().describe('People who ever had a loan disbursed'),
              outstandingPrincipal: moneyResponseSchema.describe(
                "Active loans' principal receivable (ledger)",
              ),
              overduePrincipal: moneyResponseSchema.describe(
                'Outstanding principal of the active loans more than 0 days past due',
              ),
              overdueRate: z
                .string()
                .nullable()
                .describe('overduePrincipal / outstandingPrincipal (null when nothing is outstanding)'),
              reserveBalance: moneyResponseSchema.describe('The risk reserve fund (ledger)'),
              reserveCoverageOfOverdue: z
                .string()
                .nullable()
                .describe('reserveBalance / overduePrincipal (null when nothing is overdue)'),
              reserveCoverageOfOutstanding: z
                .string()
                .nullable()
                .describe('reserveBalance / outstandingPrincipal (null when nothing is outstanding)'),
              asOf: z.string(),
              businessDate: z.string(),
            }),
          },
        },
      },
      async () => {
        const f = await lending.platformFigures();
        return {
          ...f,
          lentPrincipal: money(f.lentPrincipal),
          outstandingPrincipal: money(f.outstandingPrincipal),
          overduePrincipal: money(f.overduePrincipal),
          reserveBalance: money(f.reserveBalance),
          asOf: f.asOf.toISOString(),
        };
      },
    );
    app.get(
      '/lending/listings/:id',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary: 'A listing: terms, masked borrower summary, progress, and its schedule',
          params: idParams,
          response: { 200: z.object({ loan: loanSchema, schedule: scheduleSchema }), ...errors },
        },
      },
      async (request) => {
        // The schedule and its APR as disbursement makes them (the product's day count, rounding
        // and fees), so the APR here is the loan's.
        const loan = await lending.loan(request.params.id);
        const schedule = await lending.listingSchedule(loan);
        return { loan: loanJson(loan, await lending.raised(loan.id), schedule.apr), schedule };
      },
    );
    app.post(
      '/lending/listings/:id/bids',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary:
            'Invest in a listing: the amount is frozen in your wallet until the listing is full or fails',
          params: idParams,
          body: z.object({ amount: moneySchema() }).strict(),
          response: { 201: z.object({ bid: bidSchema, listingFull: z.boolean() }), ...errors },
        },
      },
      async (request, reply) => {
        const outcome = await lending.bid(
          userIdOf(request),
          request.params.id,
          cny(request.body.amount),
          context(request),
        );
        reply.code(201);
        return { bid: bidJson(outcome.bid), listingFull: outcome.full };
      },
    );
    app.get(
      '/me/bids',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'My bids',
          querystring: limitQuery,
          response: { 200: z.array(bidSchema), ...errors },
        },
      },
      async (request) =>
        (await lending.bids({ investorId: userIdOf(request), limit: request.query.limit })).map(bidJson),
    );
    app.get(
      '/me/auto-invest',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'My auto-invest rule',
          response: { 200: anyObject.nullable(), ...errors },
        },
      },
      async (request) => {
        const rule = await lending.autoInvestRule(userIdOf(request));
        return rule ? (toJson(rule) as Record<string, unknown>) : null;
      },
    );
    app.put(
      '/me/auto-invest',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['lending'],
          summary: 'Set my auto-invest rule (自动投标)',
          body: z
            .object({
              enabled: z.boolean(),
              grades: z.array(z.enum(['A', 'B', 'C', 'D', 'E', 'F'])).min(1),
              minRate: rateSchema,
              maxRate: rateSchema,
              minTerm: z.number().int().min(1).max(360),
              maxTerm: z.number().int().min(1).max(360),
              amountPerLoan: moneySchema(),
              keepBalance: moneySchema({ allowZero: true }),
              maxPerBorrower: moneySchema(),
            })
            .strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const b = request.body;
        return toJson(
          await lending.saveAutoInvestRule(
            userIdOf(request),
            {
              ...b,
              amountPerLoan: cny(b.amountPerLoan),
              keepBalance: cny(b.keepBalance),
              maxPerBorrower: cny(b.maxPerBorrower),
            },
            context(request),
          ),
        ) as Record<string, unknown>;
      },
    );
  };
}
