import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { type AuditContext, maskName } from '../identity/index.ts';
import {
  addDays,
  applyRate,
  CNY,
  conflict,
  formatAmount,
  notFound,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { walletAccountId } from '../payments/index.ts';
import type { Decision } from '../risk/index.ts';
import { createFundingAccount, loanAccount, noteAccountId } from './accounts.ts';
import { deductionsLeaveSomething, loanApr } from './apr.ts';
import { bidInTransaction, checkInvestor, roundDown } from './bids.ts';
import { afterFull } from './disbursement.ts';
import { getLoan, type LendingContext, type Loan } from './loans.ts';
import type { Product } from './products.ts';
import type { RepaymentMethod } from './schedule.ts';

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
  /**
   * The APR of all borrowing costs (apr.ts) of the loan the decision offers: the listing's when one
   * was made, else the terms a referred application would be listed at if approved as decided; null
   * when declined.
   */
  readonly apr: string | null;
}

/**
 * A borrower applies: product checks, the risk decision, then (approved) a listing, (referred) an
 * application waiting for a risk officer, or (declined) the reasons.
 */
export async function apply(
  context: LendingContext,
  borrowerId: string,
  input: ApplyInput,
  audit?: AuditContext,
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
    const offered = {
      amount: roundDown(decision.amount ?? input.amount, product.amountStep),
      annualRate: decision.annualRate,
      upfrontFeeRate: decision.upfrontFeeRate ?? product.upfrontFeeRate.toFixed(),
    };
    const listed =
      outcome === 'approve'
        ? await createListing(context, trx, id, {
            amount: offered.amount,
            annualRate: decision.annualRate!,
            upfrontFeeRate: decision.upfrontFeeRate,
            grade: decision.grade!,
          })
        : null;
    // Submitting is the borrower's acceptance of the terms offered (a listing's, or what a referred
    // application asks for); a declined application offers nothing to accept.
    if (outcome !== 'decline')
      await context.contracts.accepted(trx, audit, {
        kind: 'loan',
        subjectType: 'loan',
        subjectId: listed ?? id,
        userId: borrowerId,
        role: 'borrower',
        acceptedAt: now,
        terms: {
          applicationId: id,
          product: `${product.id}@${product.version}`,
          requestedAmount: formatAmount(input.amount, CNY),
          amount: formatAmount(offered.amount, CNY),
          currency: 'CNY',
          annualRate: offered.annualRate,
          upfrontFeeRate: offered.upfrontFeeRate,
          reserveRate: product.reserveRate.toFixed(),
          term: input.term,
          termUnit: product.termUnit,
          method: input.method,
          purpose: input.purpose,
        },
      });
    return listed;
  });
  if (loanId) await runAutoInvest(context, loanId);
  const loan = loanId ? await getLoan(context.db, loanId) : null;
  const offer =
    loan ??
    (outcome === 'refer' && decision.annualRate !== null
      ? {
          amount: roundDown(decision.amount ?? input.amount, product.amountStep),
          annualRate: decision.annualRate,
          upfrontFeeRate: decision.upfrontFeeRate ?? product.upfrontFeeRate.toFixed(),
          term: input.term,
          termUnit: product.termUnit,
          method: input.method,
        }
      : null);
  const apr =
    offer && deductionsLeaveSomething(offer.upfrontFeeRate, product)
      ? loanApr(offer, product, loan?.startDate ?? context.clock.businessDate())
      : null;
  return { application: await getApplication(context.db, id), decision, loan, apr };
}

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
  // A fee the risk decision priced is not bounded by the product; one that, with the reserve
  // contribution, would take the whole loan leaves no disbursement and no APR.
  if (!deductionsLeaveSomething(upfront, product))
    throw ruleViolation(
      'fee_out_of_range',
      'the upfront fee and reserve contribution must be below the amount',
    );
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
