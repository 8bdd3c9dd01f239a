/** What the lending routes share: response schemas, and the JSON of lending's read models (amounts as yuan strings). */
import { z } from 'zod';
import {
  CNY,
  DAY_COUNTS,
  type DayCount,
  Decimal,
  formatAmount,
  parseAmount,
  parseDate,
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
  type PublicNoteListing,
  REPAYMENT_METHODS,
  type RepaymentResult,
} from '../../lending/index.ts';
import { errorResponseSchema } from '../errors.ts';
import { moneyResponseSchema, rateSchema } from '../schemas.ts';

export const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};
export const yuan = (minor: bigint) => formatAmount(minor, CNY);
export const money = (minor: bigint) => ({ amount: yuan(minor), currency: 'CNY' });
export const cny = (value: { amount: string; currency: string }) => {
  if (value.currency !== 'CNY') throw ruleViolation('currency_not_supported', 'loans are made in CNY');
  return (parseAmount(value.amount, CNY, { allowZero: true }) as { ok: true; value: bigint }).value;
};
/**
 * For the larger read models (statements, schedules, repayments): every bigint in them is an amount
 * of CNY in minor units and becomes a decimal string of yuan; dates become ISO strings.
 */
export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return yuan(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJson(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

export const loanSchema = z
  .object({
    id: z.string(),
    status: z.enum(['listing', 'full', 'failed', 'active', 'repaid', 'written_off']),
    product: z.string(),
    amount: moneyResponseSchema,
    raised: moneyResponseSchema.nullable().describe('For a listing: frozen bids so far.'),
    annualRate: z.string().describe('The nominal annual interest rate, without fees.'),
    apr: z
      .string()
      .nullable()
      .describe(
        'The annual percentage rate of all borrowing costs by the IRR method, 6 places rounded half up: the monthly IRR × 12, not compounded (a bullet loan: the cost over what is received × 365 / days), of what the borrower receives (the amount less the upfront fee and the reserve contribution) against every instalment with its period fee. Null only for a loan whose deductions take the whole amount (refused for new listings).',
      ),
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

/** `apr` is the loan's APR of all borrowing costs (Lending.apr). */
export function loanJson(loan: Loan, raised: bigint | null, apr: string | null) {
  return {
    id: loan.id,
    status: loan.status,
    product: `${loan.productId}@${loan.productVersion}`,
    amount: money(loan.amount),
    raised: raised === null ? null : money(raised),
    annualRate: new Decimal(loan.annualRate).toFixed(4),
    apr,
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

export const applicationSchema = z
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

export const applicationJson = (a: Application) => ({
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

export const bidSchema = z
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
export const bidJson = (b: Bid) => ({
  id: b.id,
  loanId: b.loanId,
  requested: money(b.requested),
  amount: money(b.amount),
  source: b.source,
  status: b.status,
  createdAt: b.createdAt.toISOString(),
});

export const installmentSchema = z.object({
  period: z.number(),
  dueDate: z.string(),
  principal: z.string(),
  interest: z.string(),
  total: z.string(),
  remainingPrincipal: z.string(),
});
export const scheduleSchema = z
  .object({
    installments: z.array(installmentSchema),
    totalInterest: z.string(),
    totalPayable: z.string(),
    apr: z
      .string()
      .describe(
        'The annual percentage rate of all borrowing costs by the IRR method, 6 places rounded half up: the monthly IRR × 12, not compounded (a bullet loan: the cost over what is received × 365 / days), of what the borrower receives (the principal less the upfront fee and reserve contribution) against every instalment with its period fee. The instalments shown are principal and interest only.',
      ),
  })
  .meta({ id: 'SchedulePreview' });

export const scheduleQuery = z.object({
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
  upfrontFee: z.string().max(24).optional().describe('Yuan deducted at disbursement as a fee, for the APR.'),
  reserveContribution: z
    .string()
    .max(24)
    .optional()
    .describe('Yuan deducted at disbursement for the risk reserve, for the APR.'),
  periodFee: z.string().max(24).optional().describe('Yuan added to every instalment as a fee, for the APR.'),
});

export const productJson = (p: Product) => ({
  id: p.id,
  version: p.version,
  status: p.status,
  createdAt: p.createdAt.toISOString(),
  config: p.config,
});
export const productSchema = z
  .object({
    id: z.string(),
    version: z.number(),
    status: z.string(),
    createdAt: z.string(),
    config: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'LoanProduct' });

export const viewJson = (v: LoanView, apr: string | null) => ({
  ...(toJson({ ...v, loan: undefined, installments: undefined, payoff: undefined }) as Record<
    string,
    unknown
  >),
  loan: loanJson(v.loan, null, apr),
  installments: v.installments.map((i: InstallmentView) => toJson(i)),
  payoff: v.payoff ? payoffJson(v.payoff) : null,
});
export const payoffJson = (q: PayoffQuote) => ({
  due: yuan(q.due),
  principal: yuan(q.principal),
  interestToDate: yuan(q.interestToDate),
  prepaymentFee: yuan(q.prepaymentFee),
  total: yuan(q.total),
  asOf: q.asOf,
});
export const payoffSchema = z
  .object({
    due: z.string(),
    principal: z.string(),
    interestToDate: z.string(),
    prepaymentFee: z.string(),
    total: z.string(),
    asOf: z.string(),
  })
  .meta({ id: 'PayoffQuote' });
export const repaymentJson = (r: RepaymentResult) => toJson(r) as Record<string, unknown>;
export const noteListingJson = (l: NoteListing) => toJson(l);

/** A note for sale as anyone reads it: not who sells it, only whether it is yours. */
export const publicNoteListingSchema = z
  .object({
    id: z.string(),
    loanId: z.string(),
    principal: z.string().describe('The principal offered, in yuan.'),
    discountRate: z.string(),
    status: z.enum(['open', 'sold', 'withdrawn', 'cancelled']),
    reason: z.string().nullable(),
    price: z.string().nullable().describe('What it sold for, in yuan, once sold.'),
    accruedInterest: z.string().nullable(),
    sellerFee: z.string().nullable(),
    listedOn: z.string(),
    expiresOn: z.string(),
    createdAt: z.string(),
    own: z
      .boolean()
      .describe(
        'Whether you are selling this note (false when not signed in). Who sells a note is not told.',
      ),
  })
  .meta({ id: 'PublicNoteListing' });
export const publicNoteListingJson = (l: PublicNoteListing) =>
  toJson(l) as z.infer<typeof publicNoteListingSchema>;

/** A row of the note market: the listing with its loan's terms and today's price and yield. */
export const noteMarketRowSchema = publicNoteListingSchema
  .extend({
    product: z.string(),
    annualRate: z.string(),
    grade: z.string(),
    term: z.number().int(),
    termUnit: z.enum(['month', 'day']),
    remainingInstalments: z.number().int(),
    maturityDate: z.string().nullable(),
    price: z.string().describe("Today's price, in yuan: the principal less the discount."),
    accruedInterest: z.string().describe('Interest accrued since the last due date, in yuan, paid on top.'),
    total: z.string(),
    yieldToMaturity: z.string().nullable(),
  })
  .meta({ id: 'NoteMarketRow' });

export const idParams = z.object({ id: z.uuid() });
export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const anyObject = z.record(z.string(), z.unknown());
