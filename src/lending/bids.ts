import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import {
  applyRate,
  CNY,
  conflict,
  formatAmount,
  invalid,
  isUuid,
  notFound,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { TransferFlag } from '../ledger/index.ts';
import { CURRENCY, LendingCode, loanAccount, post } from './accounts.ts';
import { getLoan, type LendingContext, type Loan } from './loans.ts';
import type { Product } from './products.ts';

/**
 * Bids on a listing: who may bid (KYC, risk class against the loan's level), how much (the product's
 * minimum, step and per-investor cap, cut to what remains), and the bid itself, frozen in the
 * investor's wallet as a pending transfer into the listing's funding account.
 */

export const roundDown = (amount: bigint, step: bigint) => amount - (amount % step);

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

export interface BidRow {
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
