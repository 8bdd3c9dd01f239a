import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { type AuditContext, maskName } from '../identity/index.ts';
import {
  addDays,
  applyRate,
  CNY,
  conflict,
  Decimal,
  formatAmount,
  invalid,
  isUuid,
  notFound,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { TransferFlag, type TransferInput } from '../ledger/index.ts';
import { walletAccountId } from '../payments/index.ts';
import type { Decision } from '../risk/index.ts';
import {
  CURRENCY,
  createFundingAccount,
  createLoanAccounts,
  createNoteAccounts,
  ensurePlatformAccounts,
  LendingCode,
  loanAccount,
  noteAccountId,
  post,
  RESERVE_ACCOUNT,
} from './accounts.ts';
import { getLoan, type LendingContext, type Loan } from './loans.ts';
import type { Product } from './products.ts';
import { buildSchedule, type RepaymentMethod } from './schedule.ts';

/**
 * The marketplace: a borrower applies and the risk engine decides; an approved application becomes
 * a listing that investors fund in shares with frozen bids (pending ledger transfers into the
 * listing's funding account); a full listing is disbursed into notes and a loan, an expired one
 * releases its bids.
 */
export const PURPOSES = [
  'consumption',
  'education',
  'medical',
  'business',
  'home_improvement',
  'car',
  'travel',
  'debt_consolidation',
  'other',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * A loan's risk level (R1-R5) by the letter of its grade ("C3" is grade C, sub-grade 3): an investor
 * of class C<n> may fund levels up to n.
 */
export const RISK_LEVEL_OF_GRADE: Record<string, number> = { A: 2, B: 2, C: 3, D: 3, E: 4, F: 5, G: 5 };
export const gradeLetter = (grade: string) => grade.slice(0, 1);

export interface Application {
  readonly id: string;
  readonly borrowerId: string;
  readonly productId: string;
  readonly productVersion: number;
  readonly amount: bigint;
  readonly term: number;
  readonly method: RepaymentMethod;
  readonly purpose: string;
  readonly decisionId: string | null;
  readonly status: 'referred' | 'declined' | 'listed' | 'cancelled';
  readonly reasons: string[];
  readonly loanId: string | null;
  readonly createdAt: Date;
}

interface ApplicationRow {
  id: string;
  borrower_id: string;
  product_id: string;
  product_version: number;
  amount: bigint;
  term: number;
  method: RepaymentMethod;
  purpose: string;
  decision_id: string | null;
  status: Application['status'];
  reasons: string[];
  loan_id: string | null;
  created_at: Date;
}

const toApplication = (r: ApplicationRow): Application => ({
  id: r.id,
  borrowerId: r.borrower_id,
  productId: r.product_id,
  productVersion: r.product_version,
  amount: r.amount,
  term: r.term,
  method: r.method,
  purpose: r.purpose,
  decisionId: r.decision_id,
  status: r.status,
  reasons: r.reasons,
  loanId: r.loan_id,
  createdAt: r.created_at,
});

export async function getApplication(db: Executor, id: string): Promise<Application> {
  const rows = await sql<ApplicationRow>`select * from loan_applications where id = ${id}::uuid`.execute(db);
  if (!rows.rows[0]) throw notFound('application_not_found', 'no such application');
  return toApplication(rows.rows[0]);
}

export async function applicationsOf(db: Executor, borrowerId: string, limit = 50): Promise<Application[]> {
  const rows =
    await sql<ApplicationRow>`select * from loan_applications where borrower_id = ${borrowerId}::uuid
    order by created_at desc limit ${limit}`.execute(db);
  return rows.rows.map(toApplication);
}

export interface ApplyInput {
  readonly productId: string;
  readonly amount: bigint;
  readonly term: number;
  readonly method: RepaymentMethod;
  readonly purpose: Purpose;
  readonly monthlyIncome: bigint;
  readonly monthlyDebt: bigint;
  readonly employmentYears?: number | null | undefined;
  readonly device?: string | null | undefined;
  readonly ip?: string | null | undefined;
}

function checkAgainstProduct(product: Product, input: Pick<ApplyInput, 'amount' | 'term' | 'method'>): void {
  if (product.status !== 'active')
    throw ruleViolation('product_retired', 'this loan product is no longer offered');
  const amount = (minor: bigint) => formatAmount(minor, CNY);
  if (input.amount < product.minAmount || input.amount > product.maxAmount)
    throw ruleViolation(
      'amount_out_of_range',
      `the amount must be ${amount(product.minAmount)}-${amount(product.maxAmount)}`,
      {
        min: amount(product.minAmount),
        max: amount(product.maxAmount),
      },
    );
  if (input.amount % product.amountStep !== 0n)
    throw ruleViolation('amount_step', `the amount must be a multiple of ${amount(product.amountStep)}`);
  if (!product.terms.includes(input.term))
    throw ruleViolation(
      'term_not_offered',
      `terms offered: ${product.terms.join(', ')} ${product.termUnit}s`,
      {
        terms: product.terms,
      },
    );
  if (!product.methods.includes(input.method))
    throw ruleViolation('method_not_offered', `repayment methods offered: ${product.methods.join(', ')}`);
}

/** What the borrower already has with netfin, for the risk decision. */
async function internalFacts(context: LendingContext, borrowerId: string) {
  const rows = await sql<{ status: string; id: string }>`
    select status, id from loans where borrower_id = ${borrowerId}::uuid and status in ('active', 'repaid', 'written_off')`.execute(
    context.db,
  );
  const active = rows.rows.filter((r) => r.status === 'active').map((r) => loanAccount.principal(r.id));
  const accounts = await context.ledger.lookupAccounts(active);
  const outstanding = accounts.reduce((sum, a) => sum + a.debitsPosted - a.creditsPosted, 0n);
  const overdue = await sql<{ n: bigint }>`
    select count(distinct c.loan_id)::bigint as n from loan_charges c join loans l on l.id = c.loan_id
    where l.borrower_id = ${borrowerId}::uuid and c.kind = 'late_fee'`.execute(context.db);
  return {
    outstandingPrincipal: outstanding,
    overdueLoans: Number(overdue.rows[0]!.n),
    repaidLoans: rows.rows.filter((r) => r.status === 'repaid').length,
  };
}

export interface ApplyResult {
  readonly application: Application;
  readonly decision: Decision;
  readonly loan: Loan | null;
}

/**
 * A borrower applies: product checks, the risk decision, then (approved) a listing, (referred) an
 * application waiting for a risk officer, or (declined) the reasons.
 */
export async function apply(
  context: LendingContext,
  borrowerId: string,
  input: ApplyInput,
): Promise<ApplyResult> {
  const product = await context.products.current(input.productId);
  checkAgainstProduct(product, input);
  const facts = await context.identity.kyc.identityFacts(borrowerId);
  if (facts.kycLevel < 1) throw ruleViolation('kyc_required', 'verify your identity before you borrow');
  const open = await sql<{
    n: bigint;
  }>`select count(*)::bigint as n from loan_applications a left join loans l on l.id = a.loan_id
    where a.borrower_id = ${borrowerId}::uuid and (a.status = 'referred' or l.status in ('listing', 'full'))`.execute(
    context.db,
  );
  if (open.rows[0]!.n > 0n)
    throw conflict('application_in_progress', 'you have an application or a listing in progress already');
  const termMonths = product.termUnit === 'month' ? input.term : Math.max(1, Math.ceil(input.term / 30));
  const decision = await context.risk.decide({
    applicantId: borrowerId,
    product: product.id,
    amount: input.amount,
    termMonths,
    purpose: input.purpose,
    monthlyIncome: input.monthlyIncome,
    monthlyDebt: input.monthlyDebt,
    employmentYears: input.employmentYears ?? null,
    device: input.device ?? null,
    ip: input.ip ?? null,
    internal: await internalFacts(context, borrowerId),
  });
  const id = uuidv7();
  const now = context.clock.now();
  let outcome = decision.outcome;
  const reasons = [...decision.reasons];
  if (outcome === 'approve' && (!decision.grade || !product.grades.includes(gradeLetter(decision.grade)))) {
    outcome = 'decline';
    reasons.push('grade_not_offered_by_product');
  }
  const status = outcome === 'approve' ? 'listed' : outcome === 'refer' ? 'referred' : 'declined';
  const loanId = await inTransaction(context.db, async (trx) => {
    await sql`insert into loan_applications (id, borrower_id, product_id, product_version, amount, term, method, purpose, decision_id, status, reasons, created_at, updated_at)
      values (${id}::uuid, ${borrowerId}::uuid, ${product.id}, ${product.version}, ${input.amount}, ${input.term}, ${input.method}, ${input.purpose},
              ${decision.decisionId}::uuid, ${status}, ${JSON.stringify(reasons)}::jsonb, ${now}, ${now})`.execute(
      trx,
    );
    if (outcome !== 'approve') return null;
    return createListing(context, trx, id, {
      amount: roundDown(decision.amount ?? input.amount, product.amountStep),
      annualRate: decision.annualRate!,
      upfrontFeeRate: decision.upfrontFeeRate,
      grade: decision.grade!,
    });
  });
  if (loanId) await runAutoInvest(context, loanId);
  return {
    application: await getApplication(context.db, id),
    decision,
    loan: loanId ? await getLoan(context.db, loanId) : null,
  };
}

const roundDown = (amount: bigint, step: bigint) => amount - (amount % step);

/** Turns an approved application into a listing, in the caller's transaction. */
export async function createListing(
  context: LendingContext,
  trx: Executor,
  applicationId: string,
  terms: { amount: bigint; annualRate: string; upfrontFeeRate: string | null; grade: string },
): Promise<string> {
  const application = await getApplication(trx, applicationId);
  const product = await context.products.version(application.productId, application.productVersion, trx);
  if (terms.amount < product.minAmount)
    throw ruleViolation('amount_out_of_range', 'the approved amount is below the product minimum');
  const facts = await context.identity.kyc.applicantFacts(application.borrowerId, trx);
  const history = await sql<{ repaid: bigint; total: bigint }>`
    select count(*) filter (where status = 'repaid')::bigint as repaid, count(*)::bigint as total from loans
    where borrower_id = ${application.borrowerId}::uuid and status in ('active', 'repaid', 'written_off')`.execute(
    trx,
  );
  const summary = {
    name: facts.verified ? maskName(facts.verified.realName) : null,
    ageBand: facts.age === null ? null : `${Math.floor(facts.age / 10) * 10}s`,
    region: facts.regionCode ? facts.regionCode.slice(0, 2) : null,
    kycLevel: facts.kycLevel,
    previousLoans: Number(history.rows[0]!.total),
    repaidLoans: Number(history.rows[0]!.repaid),
  };
  const loanId = uuidv7();
  const now = context.clock.now();
  const listed = context.clock.businessDate();
  const upfront = terms.upfrontFeeRate ?? product.upfrontFeeRate.toFixed();
  await sql`insert into loans (id, application_id, borrower_id, product_id, product_version, amount, annual_rate, upfront_fee_rate, term, term_unit, method,
                               grade, risk_level, purpose, borrower_summary, status, manual_open, listed_at, expires_on, created_at)
    values (${loanId}::uuid, ${applicationId}::uuid, ${application.borrowerId}::uuid, ${product.id}, ${product.version}, ${terms.amount},
            ${terms.annualRate}::numeric, ${upfront}::numeric, ${application.term}, ${product.termUnit}, ${application.method}, ${terms.grade},
            ${RISK_LEVEL_OF_GRADE[gradeLetter(terms.grade)] ?? 5}, ${application.purpose}, ${JSON.stringify(summary)}::jsonb, 'listing',
            ${product.autoInvestShare.isZero()}, ${now}, ${addDays(listed, product.listingDays)}, ${now})`.execute(
    trx,
  );
  await sql`update loan_applications set status = 'listed', loan_id = ${loanId}::uuid, updated_at = ${now} where id = ${applicationId}::uuid`.execute(
    trx,
  );
  await createFundingAccount(context.ledger, trx, loanId);
  return loanId;
}

/** The listing a risk officer's approval allows (called by risk's review listener). */
export async function listApprovedReview(
  context: LendingContext,
  trx: Executor,
  outcome: {
    decisionId: string;
    status: 'approved' | 'declined';
    amount: bigint | null;
    annualRate: string | null;
    grade: string | null;
    upfrontFeeRate: string | null;
    reason: string | null;
  },
): Promise<string | null> {
  const rows =
    await sql<ApplicationRow>`select * from loan_applications where decision_id = ${outcome.decisionId}::uuid for update`.execute(
      trx,
    );
  const row = rows.rows[0];
  if (row?.status !== 'referred') return null;
  const now = context.clock.now();
  const product = await context.products.version(row.product_id, row.product_version, trx);
  const grade = outcome.grade && product.grades.includes(gradeLetter(outcome.grade)) ? outcome.grade : null;
  if (outcome.status === 'declined' || !grade || outcome.annualRate === null) {
    const reasons =
      outcome.status === 'declined'
        ? [outcome.reason ?? 'declined_on_review']
        : ['grade_not_offered_by_product'];
    await sql`update loan_applications set status = 'declined', reasons = ${JSON.stringify(reasons)}::jsonb, updated_at = ${now}
              where id = ${row.id}::uuid`.execute(trx);
    return null;
  }
  return createListing(context, trx, row.id, {
    amount: roundDown(outcome.amount ?? row.amount, product.amountStep),
    annualRate: outcome.annualRate,
    upfrontFeeRate: outcome.upfrontFeeRate,
    grade,
  });
}

export interface Bid {
  readonly id: string;
  readonly loanId: string;
  readonly investorId: string;
  readonly requested: bigint;
  readonly amount: bigint;
  readonly source: 'manual' | 'auto';
  readonly status: 'frozen' | 'posted' | 'released';
  readonly createdAt: Date;
}

interface BidRow {
  id: string;
  loan_id: string;
  investor_id: string;
  requested: bigint;
  amount: bigint;
  source: 'manual' | 'auto';
  status: Bid['status'];
  created_at: Date;
}
export const toBid = (r: BidRow): Bid => ({
  id: r.id,
  loanId: r.loan_id,
  investorId: r.investor_id,
  requested: r.requested,
  amount: r.amount,
  source: r.source,
  status: r.status,
  createdAt: r.created_at,
});

export async function bidsOf(
  db: Executor,
  filter: { loanId?: string; investorId?: string; limit: number },
): Promise<Bid[]> {
  const rows = await sql<BidRow>`select * from loan_bids where true
    ${filter.loanId ? sql`and loan_id = ${filter.loanId}::uuid` : sql``}
    ${filter.investorId ? sql`and investor_id = ${filter.investorId}::uuid` : sql``}
    order by created_at desc, id desc limit ${filter.limit}`.execute(db);
  return rows.rows.map(toBid);
}

/** Raised so far: what the funding account holds and has frozen. */
export async function raisedFor(context: LendingContext, db: Executor, loanId: string): Promise<bigint> {
  const account = await context.ledger.getAccount(loanAccount.funding(loanId), { tx: db });
  return account ? account.creditsPending + account.creditsPosted : 0n;
}

/** The most one investor may hold of a listing: the product's share of it, down to the step. */
export function investorCap(loan: Loan, product: Product): bigint {
  return roundDown(applyRate(loan.amount, product.maxInvestorShare, 'down'), product.investmentStep);
}

/** Checks that can be made before the transaction: who the investor is and what they may buy. */
export async function checkInvestor(context: LendingContext, investorId: string, loan: Loan): Promise<void> {
  const standing = await context.identity.suitability.standings([investorId]);
  checkStanding(loan, investorId, standing.get(investorId));
}

/** The investor may buy into this loan: not the borrower, identity verified, risk class high enough. */
export function checkStanding(
  loan: Loan,
  investorId: string,
  standing: { kycLevel: number; riskClass: number } | undefined,
): void {
  if (loan.borrowerId === investorId) throw ruleViolation('own_loan', 'you cannot invest in your own loan');
  if (!standing) throw notFound('user_not_found', 'no such user');
  if (standing.kycLevel < 1) throw ruleViolation('kyc_required', 'verify your identity before you invest');
  const level = standing.riskClass;
  if (level === 0)
    throw ruleViolation('risk_assessment_required', 'take the risk questionnaire before you invest');
  if (level < loan.riskLevel)
    throw ruleViolation(
      'not_suitable',
      `this loan is risk level R${loan.riskLevel}; your risk class is C${level}`,
      {
        loanRiskLevel: `R${loan.riskLevel}`,
        investorRiskClass: `C${level}`,
      },
    );
}

/** A listing takes bids while it is listed, unexpired, and (for manual bids) open to them. */
export function checkListingOpen(context: LendingContext, loan: Loan, source: 'manual' | 'auto'): void {
  if (loan.status !== 'listing') throw conflict('listing_closed', 'this listing no longer takes bids');
  if (source === 'manual' && !loan.manualOpen)
    throw conflict('listing_not_open', 'auto-invest is being served first; bids open in a moment');
  if (context.clock.businessDate() > loan.expiresOn)
    throw conflict('listing_closed', 'this listing has expired');
}

/**
 * What a bid may take of a listing: the product's minimum and step, cut to what remains (or refused,
 * per product), and within the investor's cap given what they already hold frozen in it.
 */
export function sizeBid(
  loan: Loan,
  product: Product,
  remaining: bigint,
  held: bigint,
  requested: bigint,
  source: 'manual' | 'auto',
  limits: { autoCap?: bigint } = {},
): bigint {
  if (remaining <= 0n) throw conflict('listing_full', 'this listing is fully funded');
  const step = product.investmentStep;
  const yuan = (minor: bigint) => formatAmount(minor, CNY);
  const cap = investorCap(loan, product) - held;
  let amount = requested;
  if (amount < product.minInvestment && amount !== remaining)
    throw ruleViolation(
      'below_minimum_investment',
      `the minimum investment is ${yuan(product.minInvestment)}`,
    );
  if (amount % step !== 0n && amount !== remaining)
    throw ruleViolation('investment_step', `invest in multiples of ${yuan(step)}`);
  if (amount > remaining) {
    if (product.overfill === 'refuse')
      throw conflict('listing_overfilled', `only ${yuan(remaining)} remains`, { remaining: yuan(remaining) });
    amount = remaining;
  }
  if (amount > cap) {
    if (source === 'manual' || cap <= 0n)
      throw ruleViolation(
        'investor_limit_exceeded',
        `you may invest at most ${yuan(cap > 0n ? cap : 0n)} more in this loan`,
        {
          room: yuan(cap > 0n ? cap : 0n),
        },
      );
    amount = roundDown(cap, step);
  }
  if (limits.autoCap !== undefined && amount > limits.autoCap) amount = roundDown(limits.autoCap, step);
  if (amount <= 0n)
    throw ruleViolation('investor_limit_exceeded', 'nothing left to invest within the limits');
  return amount;
}

export interface BidOutcome {
  readonly bid: Bid;
  readonly full: boolean;
}

/**
 * One bid, in the caller's transaction, with the listing row locked: the amount is checked against
 * the product's minimum, step and per-investor cap, cut to what remains (or refused, per product),
 * and frozen in the investor's wallet as a pending transfer into the listing's funding account.
 */
export async function bidInTransaction(
  context: LendingContext,
  trx: Executor,
  investorId: string,
  loanId: string,
  requested: bigint,
  source: 'manual' | 'auto',
  limits: { autoCap?: bigint } = {},
): Promise<BidOutcome> {
  const loan = await getLoan(trx, loanId, true);
  checkListingOpen(context, loan, source);
  const product = await context.products.version(loan.productId, loan.productVersion, trx);
  const raised = await raisedFor(context, trx, loanId);
  const remaining = loan.amount - raised;
  const held = await sql<{ amount: bigint }>`select coalesce(sum(amount), 0)::bigint as amount from loan_bids
    where loan_id = ${loanId}::uuid and investor_id = ${investorId}::uuid and status = 'frozen'`.execute(trx);
  const amount = sizeBid(loan, product, remaining, held.rows[0]!.amount, requested, source, limits);
  const wallet = await context.payments.walletAccount(trx, investorId, { lock: true });
  const id = uuidv7();
  const now = context.clock.now();
  await post(context.ledger, trx, [
    {
      id: `bid:${id}`,
      debitAccountId: wallet,
      creditAccountId: loanAccount.funding(loanId),
      amount,
      ledger: CURRENCY,
      code: LendingCode.bid,
      userData: loanId,
      flags: TransferFlag.pending,
    },
  ]);
  await sql`insert into loan_bids (id, loan_id, investor_id, requested, amount, source, status, created_at)
            values (${id}::uuid, ${loanId}::uuid, ${investorId}::uuid, ${requested}, ${amount}, ${source}, 'frozen', ${now})`.execute(
    trx,
  );
  const full = amount === remaining;
  if (full)
    await sql`update loans set status = 'full', full_at = ${now} where id = ${loanId}::uuid`.execute(trx);
  return {
    bid: { id, loanId, investorId, requested, amount, source, status: 'frozen', createdAt: now },
    full,
  };
}

/**
 * The checks on a manual bid that need no database: the amount, and the listing's id. Everything
 * else (the listing, the investor's standing, the money) is checked by the listing's BidQueue.
 */
export function checkBid(loanId: string, requested: bigint): void {
  if (requested <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  if (!isUuid(loanId)) throw notFound('loan_not_found', 'no such listing');
}

/** A full listing goes to second review if its product asks for one, else it is disbursed now. */
export async function afterFull(context: LendingContext, loanId: string): Promise<void> {
  const loan = await getLoan(context.db, loanId);
  const product = await context.products.version(loan.productId, loan.productVersion);
  if (loan.status === 'full' && !product.secondReview) await disburse(context, loanId);
}

/**
 * Disbursement: every frozen bid is posted into the funding account; each investor's bids become
 * one note; the loan's principal is owed by the borrower, whose wallet receives it less the upfront
 * fee (platform income) and the reserve contribution (the risk reserve fund). The schedule and the
 * contract are recorded. Idempotent: a loan already disbursed is left alone.
 */
export async function disburse(context: LendingContext, loanId: string, audit?: AuditContext): Promise<Loan> {
  await inTransaction(context.db, async (trx) => {
    const loan = await getLoan(trx, loanId, true);
    if (loan.status === 'active') return;
    if (loan.status !== 'full') throw conflict('listing_not_full', 'only a full listing can be disbursed');
    const product = await context.products.version(loan.productId, loan.productVersion, trx);
    const bids =
      await sql<BidRow>`select * from loan_bids where loan_id = ${loanId}::uuid and status = 'frozen' order by created_at, id`.execute(
        trx,
      );
    const amount = bids.rows.reduce((sum, b) => sum + b.amount, 0n);
    const funding = await context.ledger.getAccount(loanAccount.funding(loanId), { tx: trx });
    if (!funding || funding.creditsPending !== amount)
      throw new Error(`loan ${loanId}: frozen bids ${amount} do not match the funding account`);
    await ensurePlatformAccounts(context.ledger, trx);
    await context.payments.ensurePlatformAccounts(trx);
    await createLoanAccounts(context.ledger, trx, loanId);
    const byInvestor = new Map<string, bigint>();
    for (const b of bids.rows)
      byInvestor.set(b.investor_id, (byInvestor.get(b.investor_id) ?? 0n) + b.amount);
    const today = context.clock.businessDate();
    const now = context.clock.now();
    const notes = [...byInvestor].map(([holder, principal]) => ({ id: uuidv7(), loanId, holder, principal }));
    const reserveNoteId = uuidv7();
    await createNoteAccounts(context.ledger, trx, [...notes, { id: reserveNoteId, loanId }]);
    await sql`insert into loan_notes (id, loan_id, holder_id, kind, origin, original_principal, acquired_on, created_at)
      select id, ${loanId}::uuid, holder, 'investor', 'disbursement', principal, ${today}, ${now}
      from unnest(${notes.map((n) => n.id)}::uuid[], ${notes.map((n) => n.holder)}::uuid[], ${notes.map((n) => n.principal.toString())}::bigint[])
        as t(id, holder, principal)`.execute(trx);
    await sql`insert into loan_notes (id, loan_id, holder_id, kind, origin, original_principal, acquired_on, created_at)
      values (${reserveNoteId}::uuid, ${loanId}::uuid, null, 'reserve', 'advance', 0, ${today}, ${now})`.execute(
      trx,
    );
    const upfrontFee = applyRate(amount, new Decimal(loan.upfrontFeeRate), product.rounding);
    const contribution = applyRate(amount, product.reserveRate, product.rounding);
    const borrowerWallet = await context.payments.walletAccount(trx, loan.borrowerId);
    const transfers: TransferInput[] = [];
    const t = (
      debit: string,
      credit: string,
      value: bigint,
      code: number,
      userData: string,
      extra: Partial<TransferInput> = {},
    ) => {
      if (value > 0n)
        transfers.push({
          id: `l:${uuidv7()}`,
          debitAccountId: debit,
          creditAccountId: credit,
          amount: value,
          ledger: CURRENCY,
          code,
          userData,
          ...extra,
        });
    };
    for (const b of bids.rows)
      transfers.push({
        id: `bid:${b.id}:post`,
        pendingId: `bid:${b.id}`,
        debitAccountId: '',
        creditAccountId: '',
        amount: b.amount,
        ledger: CURRENCY,
        code: LendingCode.bid,
        userData: loanId,
        flags: TransferFlag.postPendingTransfer,
      });
    for (const n of notes)
      t(loanAccount.funding(loanId), noteAccountId(n.id), n.principal, LendingCode.fundNote, n.id);
    t(
      loanAccount.principal(loanId),
      borrowerWallet,
      amount - upfrontFee - contribution,
      LendingCode.disburse,
      loanId,
    );
    t(
      loanAccount.principal(loanId),
      context.payments.feeIncomeAccount,
      upfrontFee,
      LendingCode.upfrontFee,
      loanId,
    );
    t(loanAccount.principal(loanId), RESERVE_ACCOUNT, contribution, LendingCode.reserveContribution, loanId);
    await post(context.ledger, trx, transfers);
    const schedule = buildSchedule({
      principal: amount,
      annualRate: new Decimal(loan.annualRate),
      ...(loan.termUnit === 'month' ? { termMonths: loan.term } : { termDays: loan.term }),
      method: loan.method,
      dayCount: product.dayCount,
      startDate: today,
      rounding: product.rounding,
      currency: CNY,
    });
    const periodFee = applyRate(amount, product.periodFeeRate, product.rounding);
    const rows = schedule.installments;
    await sql`insert into loan_installments (loan_id, period, due_date, principal, interest, fee)
      select ${loanId}::uuid, * from unnest(${rows.map((i) => i.period)}::int[], ${rows.map((i) => i.dueDate)}::date[],
        ${rows.map((i) => i.principal.toString())}::bigint[], ${rows.map((i) => i.interest.toString())}::bigint[],
        ${rows.map(() => periodFee.toString())}::bigint[])`.execute(trx);
    await sql`update loan_bids set status = 'posted' where loan_id = ${loanId}::uuid and status = 'frozen'`.execute(
      trx,
    );
    await sql`update loans set status = 'active', amount = ${amount}, disbursed_at = ${now}, start_date = ${today} where id = ${loanId}::uuid`.execute(
      trx,
    );
    const terms = {
      amount: formatAmount(amount, CNY),
      currency: 'CNY',
      annualRate: loan.annualRate,
      term: loan.term,
      termUnit: loan.termUnit,
      method: loan.method,
      startDate: today,
      product: `${product.id}@${product.version}`,
      upfrontFee: formatAmount(upfrontFee, CNY),
      reserveContribution: formatAmount(contribution, CNY),
      periodFee: formatAmount(periodFee, CNY),
      penaltyDailyRate: product.penaltyDailyRate.toFixed(),
      lateFee: formatAmount(product.lateFee, CNY),
      graceDays: product.graceDays,
      prepaymentFeeRate: product.prepaymentFeeRate.toFixed(),
      installments: rows.map((i) => ({
        period: i.period,
        dueDate: i.dueDate,
        principal: formatAmount(i.principal, CNY),
        interest: formatAmount(i.interest, CNY),
      })),
    };
    const parties = {
      borrower: loan.borrowerId,
      lenders: notes.map((n) => ({ investor: n.holder, principal: formatAmount(n.principal, CNY) })),
      platform: 'netfin',
    };
    const digest = createHash('sha256').update(JSON.stringify({ loanId, terms, parties })).digest('hex');
    const number = `NF-${today.replaceAll('-', '')}-${loanId.slice(-12).toUpperCase()}`;
    await sql`insert into loan_contracts (loan_id, number, terms, parties, digest, signed_at)
              values (${loanId}::uuid, ${number}, ${JSON.stringify(terms)}::jsonb, ${JSON.stringify(parties)}::jsonb, ${digest}, ${now})`.execute(
      trx,
    );
    if (audit)
      await context.identity.audit(
        audit,
        {
          action: 'lending.disbursed',
          subjectType: 'loan',
          subjectId: loanId,
          details: { amount: formatAmount(amount, CNY) },
        },
        trx,
      );
  });
  return getLoan(context.db, loanId);
}

/** Staff reject a full listing at second review: every bid is released and the listing fails. */
export async function rejectFull(
  context: LendingContext,
  loanId: string,
  reason: string,
  audit: AuditContext,
): Promise<Loan> {
  await inTransaction(context.db, async (trx) => {
    const loan = await getLoan(trx, loanId, true);
    if (loan.status !== 'full')
      throw conflict('listing_not_full', 'only a full listing awaits second review');
    await releaseBids(context, trx, loanId);
    await context.identity.audit(
      audit,
      { action: 'lending.full_rejected', subjectType: 'loan', subjectId: loanId, details: { reason } },
      trx,
    );
  });
  return getLoan(context.db, loanId);
}

async function releaseBids(context: LendingContext, trx: Executor, loanId: string): Promise<void> {
  const bids =
    await sql<BidRow>`select * from loan_bids where loan_id = ${loanId}::uuid and status = 'frozen'`.execute(
      trx,
    );
  await post(
    context.ledger,
    trx,
    bids.rows.map((b) => ({
      id: `bid:${b.id}:void`,
      pendingId: `bid:${b.id}`,
      debitAccountId: '',
      creditAccountId: '',
      amount: b.amount,
      ledger: CURRENCY,
      code: LendingCode.bid,
      userData: loanId,
      flags: TransferFlag.voidPendingTransfer,
    })),
  );
  await sql`update loan_bids set status = 'released' where loan_id = ${loanId}::uuid and status = 'frozen'`.execute(
    trx,
  );
  await sql`update loans set status = 'failed', closed_on = ${context.clock.businessDate()} where id = ${loanId}::uuid`.execute(
    trx,
  );
}

/**
 * A listing past its date: disbursed for what it raised if the product allows that and enough was
 * raised, else failed (流标) with every bid released. Returns what happened.
 */
export async function expireListing(
  context: LendingContext,
  loanId: string,
  on: PlainDate,
): Promise<'disbursed' | 'failed' | null> {
  const result = await inTransaction(context.db, async (trx) => {
    const loan = await getLoan(trx, loanId, true);
    if (loan.status !== 'listing' || loan.expiresOn >= on) return null;
    const product = await context.products.version(loan.productId, loan.productVersion, trx);
    const raised = await raisedFor(context, trx, loanId);
    const share = product.disburseAtExpiryShare;
    if (
      share &&
      raised > 0n &&
      raised >= applyRate(loan.amount, share, 'up') &&
      raised >= product.minAmount
    ) {
      await sql`update loans set status = 'full', full_at = ${context.clock.now()} where id = ${loanId}::uuid`.execute(
        trx,
      );
      return 'disbursed' as const;
    }
    await releaseBids(context, trx, loanId);
    return 'failed' as const;
  });
  if (result === 'disbursed') await afterFull(context, loanId);
  return result;
}

/**
 * Auto-invest: when a listing opens, investors with matching rules are served in turn, least recently
 * served first, each up to their amount per loan, within the listing's per-investor cap and the
 * product's auto-invest share; then the listing opens to manual bids.
 */
export async function runAutoInvest(context: LendingContext, loanId: string): Promise<number> {
  const loan = await getLoan(context.db, loanId);
  if (loan.status !== 'listing' || loan.manualOpen) return 0;
  const product = await context.products.version(loan.productId, loan.productVersion);
  const quota = roundDown(applyRate(loan.amount, product.autoInvestShare, 'down'), product.investmentStep);
  const termMonths = loan.termUnit === 'month' ? loan.term : Math.max(1, Math.ceil(loan.term / 30));
  const candidates = await sql<{
    investor_id: string;
    amount_per_loan: bigint;
    keep_balance: bigint;
    max_per_borrower: bigint;
  }>`select investor_id, amount_per_loan, keep_balance, max_per_borrower from auto_invest_rules
     where enabled and ${gradeLetter(loan.grade)} = any(grades) and min_rate <= ${loan.annualRate}::numeric and max_rate >= ${loan.annualRate}::numeric
       and min_term <= ${termMonths} and max_term >= ${termMonths} and investor_id <> ${loan.borrowerId}::uuid
     order by last_served_at asc nulls first, investor_id`.execute(context.db);
  let served = 0;
  let taken = 0n;
  for (const rule of candidates.rows) {
    if (taken >= quota) break;
    try {
      await checkInvestor(context, rule.investor_id, loan);
    } catch {
      continue;
    }
    const outcome = await inTransaction(context.db, async (trx) => {
      const wallet = await context.ledger.getAccount(walletAccountId(rule.investor_id), { tx: trx });
      const available = wallet ? wallet.creditsPosted - wallet.debitsPosted - wallet.debitsPending : 0n;
      const exposure = await borrowerExposure(context, trx, rule.investor_id, loan.borrowerId);
      let amount = rule.amount_per_loan;
      const spendable = available - rule.keep_balance;
      if (spendable < amount) amount = spendable;
      if (rule.max_per_borrower - exposure < amount) amount = rule.max_per_borrower - exposure;
      amount = roundDown(amount, product.investmentStep);
      if (amount < product.minInvestment) return null;
      try {
        const result = await bidInTransaction(context, trx, rule.investor_id, loanId, amount, 'auto', {
          autoCap: quota - taken,
        });
        await sql`update auto_invest_rules set last_served_at = ${context.clock.now()} where investor_id = ${rule.investor_id}::uuid`.execute(
          trx,
        );
        return result;
      } catch (error) {
        if ((error as { kind?: string }).kind === 'rule') return null;
        throw error;
      }
    }).catch((error) => {
      if (
        (error as { code?: string }).code === 'listing_full' ||
        (error as { code?: string }).code === 'listing_closed'
      )
        return 'stop' as const;
      throw error;
    });
    if (outcome === 'stop') break;
    if (!outcome) continue;
    served += 1;
    taken += outcome.bid.amount;
    if (outcome.full) break;
  }
  await sql`update loans set manual_open = true where id = ${loanId}::uuid and status in ('listing', 'full')`.execute(
    context.db,
  );
  const after = await getLoan(context.db, loanId);
  if (after.status === 'full') await afterFull(context, loanId);
  return served;
}

/** Principal an investor holds in a borrower's loans, plus what they have frozen in bids on them. */
async function borrowerExposure(
  context: LendingContext,
  trx: Executor,
  investorId: string,
  borrowerId: string,
): Promise<bigint> {
  const notes = await sql<{ id: string }>`select n.id from loan_notes n join loans l on l.id = n.loan_id
    where n.holder_id = ${investorId}::uuid and l.borrower_id = ${borrowerId}::uuid and l.status = 'active'`.execute(
    trx,
  );
  const accounts = await context.ledger.lookupAccounts(
    notes.rows.map((n) => noteAccountId(n.id)),
    { tx: trx },
  );
  const held = accounts.reduce((sum, a) => sum + a.creditsPosted - a.debitsPosted, 0n);
  const frozen = await sql<{
    amount: bigint;
  }>`select coalesce(sum(b.amount), 0)::bigint as amount from loan_bids b join loans l on l.id = b.loan_id
    where b.investor_id = ${investorId}::uuid and l.borrower_id = ${borrowerId}::uuid and b.status = 'frozen'`.execute(
    trx,
  );
  return held + frozen.rows[0]!.amount;
}
