import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { QUESTIONNAIRE } from '../../identity/index.ts';
import {
  CNY,
  DAY_COUNTS,
  type DayCount,
  Decimal,
  formatAmount,
  notFound,
  parseAmount,
  parseDate,
  plainDate,
  ruleViolation,
} from '../../kernel/index.ts';
import {
  type Application,
  type Bid,
  type InstallmentView,
  type Loan,
  type LoanView,
  type NoteListing,
  type PayoffQuote,
  type Product,
  PURPOSES,
  previewSchedule,
  REPAYMENT_METHODS,
  type RepaymentResult,
} from '../../lending/index.ts';
import { userIdOf } from '../auth.ts';
import { errorResponseSchema } from '../errors.ts';
import { moneyResponseSchema, moneySchema, rateSchema } from '../schemas.ts';
import { context } from './identity.ts';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};
const yuan = (minor: bigint) => formatAmount(minor, CNY);
const money = (minor: bigint) => ({ amount: yuan(minor), currency: 'CNY' });
const cny = (value: { amount: string; currency: string }) => {
  if (value.currency !== 'CNY') throw ruleViolation('currency_not_supported', 'loans are made in CNY');
  return (parseAmount(value.amount, CNY, { allowZero: true }) as { ok: true; value: bigint }).value;
};
/**
 * For the larger read models (statements, schedules, repayments): every bigint in them is an amount
 * of CNY in minor units and becomes a decimal string of yuan; dates become ISO strings.
 */
function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return yuan(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJson(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

const loanSchema = z
  .object({
    id: z.string(),
    status: z.enum(['listing', 'full', 'failed', 'active', 'repaid', 'written_off']),
    product: z.string(),
    amount: moneyResponseSchema,
    raised: moneyResponseSchema.nullable().describe('For a listing: frozen bids so far.'),
    annualRate: z.string(),
    upfrontFeeRate: z.string().describe('The share of the amount deducted as a fee at disbursement.'),
    term: z.number(),
    termUnit: z.enum(['month', 'day']),
    method: z.enum(REPAYMENT_METHODS),
    grade: z.string(),
    riskLevel: z.string(),
    purpose: z.string(),
    borrower: z.record(z.string(), z.unknown()).describe('A summary with personal data masked.'),
    listedAt: z.string(),
    expiresOn: z.string(),
    acceptingManualBids: z.boolean(),
    fullAt: z.string().nullable(),
    disbursedAt: z.string().nullable(),
    startDate: z.string().nullable(),
    closedOn: z.string().nullable(),
  })
  .meta({ id: 'Loan' });

function loanJson(loan: Loan, raised: bigint | null) {
  return {
    id: loan.id,
    status: loan.status,
    product: `${loan.productId}@${loan.productVersion}`,
    amount: money(loan.amount),
    raised: raised === null ? null : money(raised),
    annualRate: new Decimal(loan.annualRate).toFixed(4),
    upfrontFeeRate: new Decimal(loan.upfrontFeeRate).toFixed(4),
    term: loan.term,
    termUnit: loan.termUnit,
    method: loan.method,
    grade: loan.grade,
    riskLevel: `R${loan.riskLevel}`,
    purpose: loan.purpose,
    borrower: loan.borrowerSummary,
    listedAt: loan.listedAt.toISOString(),
    expiresOn: loan.expiresOn,
    acceptingManualBids: loan.status === 'listing' && loan.manualOpen,
    fullAt: loan.fullAt?.toISOString() ?? null,
    disbursedAt: loan.disbursedAt?.toISOString() ?? null,
    startDate: loan.startDate,
    closedOn: loan.closedOn,
  };
}

const applicationSchema = z
  .object({
    id: z.string(),
    status: z.enum(['referred', 'declined', 'listed', 'cancelled']),
    product: z.string(),
    amount: moneyResponseSchema,
    term: z.number(),
    method: z.string(),
    purpose: z.string(),
    decisionId: z.string().nullable(),
    reasons: z.array(z.string()),
    loanId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'LoanApplication' });

const applicationJson = (a: Application) => ({
  id: a.id,
  status: a.status,
  product: `${a.productId}@${a.productVersion}`,
  amount: money(a.amount),
  term: a.term,
  method: a.method,
  purpose: a.purpose,
  decisionId: a.decisionId,
  reasons: a.reasons,
  loanId: a.loanId,
  createdAt: a.createdAt.toISOString(),
});

const bidSchema = z
  .object({
    id: z.string(),
    loanId: z.string(),
    requested: moneyResponseSchema,
    amount: moneyResponseSchema.describe('What was accepted and frozen (cut to what remained).'),
    source: z.enum(['manual', 'auto']),
    status: z.enum(['frozen', 'posted', 'released']),
    createdAt: z.string(),
  })
  .meta({ id: 'Bid' });
const bidJson = (b: Bid) => ({
  id: b.id,
  loanId: b.loanId,
  requested: money(b.requested),
  amount: money(b.amount),
  source: b.source,
  status: b.status,
  createdAt: b.createdAt.toISOString(),
});

const installmentSchema = z.object({
  period: z.number(),
  dueDate: z.string(),
  principal: z.string(),
  interest: z.string(),
  total: z.string(),
  remainingPrincipal: z.string(),
});
const scheduleSchema = z
  .object({
    installments: z.array(installmentSchema),
    totalInterest: z.string(),
    totalPayable: z.string(),
    apr: z.string().describe('The annual percentage rate on what the borrower receives, with fees.'),
  })
  .meta({ id: 'SchedulePreview' });

const scheduleQuery = z.object({
  principal: z
    .string()
    .max(24)
    .refine(
      (t) => {
        const p = parseAmount(t, CNY);
        return p.ok && p.value > 0n;
      },
      { message: 'amount_malformed' },
    )
    .describe('Yuan, e.g. "10000.00".'),
  annualRate: rateSchema,
  term: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .describe('Months, or days with method bullet and termUnit day.'),
  termUnit: z.enum(['month', 'day']).default('month'),
  method: z.enum(REPAYMENT_METHODS),
  dayCount: z.enum(DAY_COUNTS as unknown as [DayCount, ...DayCount[]]).default('30/360'),
  start: z
    .string()
    .refine((t) => parseDate(t).ok, { message: 'date_malformed' })
    .optional()
    .describe('The start date (default: today).'),
  upfrontFee: z.string().max(24).optional().describe('Yuan deducted at disbursement, for the APR.'),
});

const productJson = (p: Product) => ({
  id: p.id,
  version: p.version,
  status: p.status,
  createdAt: p.createdAt.toISOString(),
  config: p.config,
});
const productSchema = z
  .object({
    id: z.string(),
    version: z.number(),
    status: z.string(),
    createdAt: z.string(),
    config: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'LoanProduct' });

const viewJson = (v: LoanView) => ({
  ...(toJson({ ...v, loan: undefined, installments: undefined, payoff: undefined }) as Record<
    string,
    unknown
  >),
  loan: loanJson(v.loan, null),
  installments: v.installments.map((i: InstallmentView) => toJson(i)),
  payoff: v.payoff ? payoffJson(v.payoff) : null,
});
const payoffJson = (q: PayoffQuote) => ({
  due: yuan(q.due),
  principal: yuan(q.principal),
  interestToDate: yuan(q.interestToDate),
  prepaymentFee: yuan(q.prepaymentFee),
  total: yuan(q.total),
  asOf: q.asOf,
});
const payoffSchema = z
  .object({
    due: z.string(),
    principal: z.string(),
    interestToDate: z.string(),
    prepaymentFee: z.string(),
    total: z.string(),
    asOf: z.string(),
  })
  .meta({ id: 'PayoffQuote' });
const repaymentJson = (r: RepaymentResult) => toJson(r) as Record<string, unknown>;
const noteListingJson = (l: NoteListing) => toJson(l);

const idParams = z.object({ id: z.uuid() });
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
const anyObject = z.record(z.string(), z.unknown());

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
          summary: 'Answer the risk questionnaire: your risk class C1-C5, valid two years',
          body: z.object({ answers: z.array(z.number().int()).max(20) }).strict(),
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) =>
        toJson(await identity.suitability.assess(userIdOf(request), request.body.answers)) as Record<
          string,
          unknown
        >,
    );
    app.get(
      '/me/risk-assessment',
      {
        config: { auth: 'signed_in' },
        schema: { tags: ['lending'], summary: 'My risk class', response: { 200: anyObject, ...errors } },
      },
      async (request) => {
        const assessment = await identity.suitability.assessment(userIdOf(request));
        return (toJson(assessment) as Record<string, unknown>) ?? { riskClass: null, valid: false };
      },
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
            })
            .strict(),
          response: {
            201: z.object({
              application: applicationSchema,
              decision: z.object({
                outcome: z.string(),
                grade: z.string().nullable(),
                annualRate: z.string().nullable(),
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
        const result = await lending.apply(userIdOf(request), {
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
        });
        reply.code(201);
        return {
          application: applicationJson(result.application),
          decision: {
            outcome: result.decision.outcome,
            grade: result.decision.grade,
            annualRate: result.decision.annualRate,
            reasons: result.decision.reasons,
          },
          loan: result.loan ? loanJson(result.loan, 0n) : null,
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
        const items = await Promise.all(loans.map(async (l) => loanJson(l, await lending.raised(l.id))));
        return {
          items,
          nextBefore: loans.length === request.query.limit ? loans[loans.length - 1]!.id : null,
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
        const loan = await lending.loan(request.params.id);
        const product = await lending.products.version(loan.productId, loan.productVersion);
        const schedule = previewSchedule(
          {
            principal: yuan(loan.amount),
            annualRate: loan.annualRate,
            term: loan.term,
            termUnit: loan.termUnit,
            method: loan.method,
            dayCount: product.dayCount,
            start: loan.startDate ?? platform.clock.businessDate(),
          },
          platform.clock.businessDate(),
        );
        return { loan: loanJson(loan, await lending.raised(loan.id)), schedule };
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
        const outcome = await lending.bid(userIdOf(request), request.params.id, cny(request.body.amount));
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
          await lending.saveAutoInvestRule(userIdOf(request), {
            ...b,
            amountPerLoan: cny(b.amountPerLoan),
            keepBalance: cny(b.keepBalance),
            maxPerBorrower: cny(b.maxPerBorrower),
          }),
        ) as Record<string, unknown>;
      },
    );

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
          summary: 'My loans: schedules, what is due, payoff today',
          response: { 200: z.array(anyObject), ...errors },
        },
      },
      async (request) => (await lending.borrowerStatement(userIdOf(request))).map(viewJson),
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
        return viewJson(await lending.loanView(request.params.id));
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
        const listing = await lending.listNote(userIdOf(request), request.params.id, {
          principal: request.body.principal ? cny(request.body.principal) : undefined,
          discountRate: request.body.discountRate,
        });
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
          summary: 'Notes for sale',
          querystring: limitQuery,
          response: { 200: z.array(anyObject), ...errors },
        },
      },
      async (request) =>
        (await lending.noteListings({ status: 'open', limit: request.query.limit })).map(
          (l) => noteListingJson(l) as Record<string, unknown>,
        ),
    );
    app.get(
      '/lending/note-listings/:id',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['lending'],
          summary: 'A note for sale and what buying it costs today (price plus accrued interest)',
          params: idParams,
          response: { 200: anyObject, ...errors },
        },
      },
      async (request) => {
        const q = await lending.quoteNoteListing(request.params.id);
        return {
          listing: noteListingJson(q.listing),
          loan: loanJson(q.loan, null),
          price: yuan(q.price),
          accruedInterest: yuan(q.accrued),
          total: yuan(q.total),
          sellerFee: yuan(q.sellerFee),
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
        noteListingJson(await lending.buyNote(userIdOf(request), request.params.id)) as Record<
          string,
          unknown
        >,
    );

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
            loanJson(l, l.status === 'listing' || l.status === 'full' ? await lending.raised(l.id) : null),
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
            loan: loanJson(loan, await lending.raised(loan.id)),
            bids: (await lending.bids({ loanId: loan.id, limit: 200 })).map(bidJson),
          };
        return viewJson(await lending.loanView(request.params.id));
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
        return loanJson(loan, null);
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
