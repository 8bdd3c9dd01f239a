import { sql } from 'kysely';
import type { ChunkBounds } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import {
  type Clock,
  CNY,
  formatAmount,
  invalid,
  type PlainDate,
  type QueueObserver,
} from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Payments } from '../payments/index.ts';
import type { Risk } from '../risk/index.ts';
import {
  CURRENCY,
  EQUITY_ACCOUNT,
  ensurePlatformAccounts,
  isInvestorFlow,
  LendingCode,
  post,
  RESERVE_ACCOUNT,
} from './accounts.ts';
import { loanApr } from './apr.ts';
import { type AutoInvestInput, getRule, saveRule } from './autoinvest.ts';
import { BidQueue } from './bid-queue.ts';
import * as bids from './bids.ts';
import { ContractHookRegistry, type LendingContractHooks } from './contract-hooks.ts';
import { lastRunDate, reserveStatus, runDay, runDays } from './day.ts';
import {
  lendingDaySteps as dayStepsOf,
  dueOn,
  loanRanges,
  overdueLoans,
  repaidBetween,
} from './day-steps.ts';
import * as disbursement from './disbursement.ts';
import { FiguresCache } from './figures.ts';
import { flowDates } from './flow-dates.ts';
import { getLoan, type LendingContext, type Loan, type LoanStatus, listLoans } from './loans.ts';
import * as market from './marketplace.ts';
import { type AssignedDraw, type CreditDrawHooks, listAssignedDraw, OriginRegistry } from './origin.ts';
import { transferId } from './plan.ts';
import { loanPreview } from './preview.ts';
import { ProductStore } from './products.ts';
import * as repay from './repay.ts';
import * as secondary from './secondary.ts';
import { allStaffLoans, type StaffLoanFilter, staffLoans } from './staff-loans.ts';
import * as statements from './statements.ts';

export interface LendingOptions {
  readonly db: Executor;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
  readonly risk: Risk;
  /** The bids' group-commit queue's watcher (the platform's metrics); nobody by default. */
  readonly bidQueueObserver?: QueueObserver;
}

/**
 * The lending context's public face: products, applications and listings, bids and auto-invest,
 * disbursement and second review, repayment and prepayment, the lending day (dues, auto-debit,
 * penalties, reserve advances, write-offs), the secondary market, and statements.
 */
export class Lending {
  readonly context: LendingContext;
  readonly products: ProductStore;
  private readonly bidQueue: BidQueue;
  private readonly figures: FiguresCache;

  constructor(options: LendingOptions) {
    this.products = new ProductStore(options.db, options.clock, options.identity);
    this.context = {
      ...options,
      products: this.products,
      origins: new OriginRegistry(),
      contracts: new ContractHookRegistry(),
    };
    this.bidQueue = new BidQueue(this.context, options.bidQueueObserver);
    this.figures = new FiguresCache(this.context);
    // The wallet statement dates an investor's cash flows by the business date they were booked on.
    options.payments.onStatementDates((db, transfers) =>
      flowDates(
        db,
        transfers.filter((t) => isInvestorFlow(t)),
      ),
    );
    // A risk officer's approval of a referred application lists the loan, in the review's transaction.
    options.risk.reviews.onClosed(async (outcome, trx) => {
      const loanId = await market.listApprovedReview(this.context, trx, outcome);
      return loanId ? async () => void (await market.runAutoInvest(this.context, loanId)) : undefined;
    });
  }

  /**
   * For shutdown: refuses new manual bids (`shutting_down`) and resolves once every bid submitted
   * before has been answered, so that the database can then be closed.
   */
  close(): Promise<void> {
    return this.bidQueue.close();
  }

  async seed(): Promise<void> {
    await this.products.seed();
    await inTransaction(this.context.db, (trx) => ensurePlatformAccounts(this.context.ledger, trx));
  }

  apply(borrowerId: string, input: market.ApplyInput, audit?: AuditContext) {
    return market.apply(this.context, borrowerId, input, audit);
  }

  application(id: string) {
    return market.getApplication(this.context.db, id);
  }

  applications(borrowerId: string) {
    return market.applicationsOf(this.context.db, borrowerId);
  }

  loan(id: string) {
    return getLoan(this.context.db, id);
  }

  loans(filter: { status?: LoanStatus[]; borrowerId?: string; limit: number; before?: string }) {
    return listLoans(this.context.db, filter);
  }

  /** The staff console's list of loans: filtered, newest first, a page after the cursor, a capped total. */
  staffLoans(filter: StaffLoanFilter, page: { limit: number; after?: string }) {
    return staffLoans(this.context.db, this.context.ledger, filter, page);
  }

  /** Every loan of a staff filter, up to `max` rows (the CSV export). */
  staffLoansExport(filter: StaffLoanFilter, max: number) {
    return allStaffLoans(this.context.db, this.context.ledger, filter, max);
  }

  /**
   * A loan's APR of all borrowing costs (apr.ts), beside its nominal rate: of its schedule from its
   * start date, or from today for a listing not yet disbursed. It is the APR of the contract's terms;
   * a prepayment later does not change it.
   */
  async apr(loan: Loan): Promise<string | null> {
    const product = await this.products.version(loan.productId, loan.productVersion);
    return loanApr(loan, product, loan.startDate ?? this.context.clock.businessDate());
  }

  /** A listing's schedule as its product makes it, with the APR of all its costs. */
  async listingSchedule(loan: Loan) {
    const product = await this.products.version(loan.productId, loan.productVersion);
    return loanPreview(loan, product, loan.startDate ?? this.context.clock.businessDate());
  }

  raised(loanId: string) {
    return bids.raisedFor(this.context, this.context.db, loanId);
  }

  bids(filter: { loanId?: string; investorId?: string; limit: number }) {
    return bids.bidsOf(this.context.db, filter);
  }

  /** A manual bid: checked, then written with the other bids arriving on the listing (BidQueue). */
  async bid(investorId: string, loanId: string, amount: bigint, audit?: AuditContext) {
    bids.checkBid(loanId, amount);
    return this.bidQueue.submit(investorId, loanId, amount, audit);
  }

  runAutoInvest(loanId: string) {
    return market.runAutoInvest(this.context, loanId);
  }

  autoInvestRule(investorId: string) {
    return getRule(this.context.db, investorId);
  }

  saveAutoInvestRule(investorId: string, input: AutoInvestInput, audit?: AuditContext) {
    return saveRule(this.context, investorId, input, audit);
  }

  /** Second review (满标复审): staff approve (disburse) or reject (release every bid) a full listing. */
  approveFull(loanId: string, audit: AuditContext) {
    return disbursement.disburse(this.context, loanId, audit);
  }

  rejectFull(loanId: string, reason: string, audit: AuditContext) {
    return disbursement.rejectFull(this.context, loanId, reason, audit);
  }

  repay(
    borrowerId: string,
    loanId: string,
    input: { mode: 'due' | 'next'; amount?: bigint | undefined },
    options: repay.RepaymentOptions = {},
  ) {
    return repay.repay(this.context, borrowerId, loanId, input, options);
  }

  payoffQuote(borrowerId: string | null, loanId: string) {
    return repay.payoffQuote(this.context, borrowerId, loanId);
  }

  payoff(borrowerId: string, loanId: string) {
    return repay.payoff(this.context, borrowerId, loanId);
  }

  prepay(
    borrowerId: string,
    loanId: string,
    input: { principal: bigint; option: 'shorten_term' | 'lower_installment' },
  ) {
    return repay.prepay(this.context, borrowerId, loanId, input);
  }

  recover(borrowerId: string, loanId: string, amount: bigint) {
    return repay.recover(this.context, borrowerId, loanId, amount);
  }

  loanView(loanId: string) {
    return statements.loanView(this.context, loanId);
  }

  investorStatement(investorId: string) {
    return statements.investorStatement(this.context, investorId);
  }

  borrowerStatement(borrowerId: string) {
    return statements.borrowerStatement(this.context, borrowerId);
  }

  async contract(loanId: string) {
    const rows = await sql<{
      number: string;
      terms: unknown;
      parties: unknown;
      digest: string;
      digest_algorithm: string;
      signed_at: Date;
    }>`
      select number, terms, parties, digest, digest_algorithm, signed_at from loan_contracts where loan_id = ${loanId}::uuid`.execute(
      this.context.db,
    );
    const row = rows.rows[0];
    if (!row) return null;
    // The loan id is returned beside what the digest covers, so that the digest can be recomputed
    // from this record alone: SHA-256 over the canonical JSON of { loanId, terms, parties }.
    return {
      loanId,
      number: row.number,
      terms: row.terms,
      parties: row.parties,
      digest: row.digest,
      digestAlgorithm: row.digest_algorithm,
      signedAt: row.signed_at,
    };
  }

  listNote(
    sellerId: string,
    noteId: string,
    input: { principal?: bigint | undefined; discountRate: string },
    audit?: AuditContext,
  ) {
    return secondary.listNote(this.context, sellerId, noteId, input, audit);
  }

  withdrawNoteListing(sellerId: string, listingId: string) {
    return secondary.withdrawNoteListing(this.context, sellerId, listingId);
  }

  noteListings(filter: { status?: secondary.NoteListing['status']; sellerId?: string; limit: number }) {
    return secondary.noteListings(this.context.db, filter);
  }

  /** A note for sale and what buying it costs today; whether it is the reader's, not who sells it. */
  quoteNoteListing(listingId: string, readerId: string | null) {
    return secondary.quoteNoteListing(this.context, listingId, readerId);
  }

  /**
   * Open notes for sale, newest first, each with today's quote: price, accrued interest, the buyer's
   * yield; whether each is the reader's, not who sells it.
   */
  noteMarket(limit: number, readerId: string | null) {
    return secondary.noteMarket(this.context, limit, readerId);
  }

  buyNote(buyerId: string, listingId: string, audit?: AuditContext) {
    return secondary.buyNote(this.context, buyerId, listingId, audit);
  }

  /** Runs the lending day for every date after the last one run, up to `date`. */
  runDays(date: PlainDate) {
    return runDays(this.context, date);
  }

  runDay(date: PlainDate) {
    return runDay(this.context, date);
  }

  /** The lending steps of the day-close (registered with the batch by the platform). */
  daySteps() {
    return dayStepsOf(this.context);
  }

  /** Ranges of active loan ids, for other contexts' day-close steps that work loan by loan. */
  loanRanges(db: Executor = this.context.db) {
    return loanRanges(db);
  }

  overdueLoans(db: Executor, bounds: ChunkBounds) {
    return overdueLoans(db, bounds);
  }

  dueOn(db: Executor, due: PlainDate) {
    return dueOn(db, due);
  }

  repaidBetween(db: Executor, windows: readonly { loanId: string; from: PlainDate }[], to: PlainDate) {
    return repaidBetween(db, windows, to);
  }

  lastRunDate() {
    return lastRunDate(this.context.db);
  }

  reserve() {
    return reserveStatus(this.context, this.context.clock.businessDate());
  }

  /**
   * The platform's figures for the public home page (figures.ts): volume lent, loans, investors and
   * borrowers, outstanding and overdue principal, the reserve and its coverage. Kept for 60 s.
   */
  platformFigures() {
    return this.figures.get();
  }

  /** The operator puts capital into the risk reserve fund (from platform equity). */
  async fundReserve(amount: bigint, audit: AuditContext): Promise<void> {
    if (amount <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
    await inTransaction(this.context.db, async (trx) => {
      await ensurePlatformAccounts(this.context.ledger, trx);
      await post(this.context.ledger, trx, [
        {
          id: transferId(),
          debitAccountId: EQUITY_ACCOUNT,
          creditAccountId: RESERVE_ACCOUNT,
          amount,
          ledger: CURRENCY,
          code: LendingCode.reserveSeed,
        },
      ]);
      await this.context.identity.audit(
        audit,
        {
          action: 'lending.reserve_funded',
          subjectType: 'risk_reserve',
          subjectId: RESERVE_ACCOUNT,
          details: { amount: formatAmount(amount, CNY) },
        },
        trx,
      );
    });
  }

  /**
   * The contracts register's hooks (compliance registers them): called in the transactions of a
   * disbursement, a note's sale, and the actions that bind a borrower or an investor.
   */
  onContracts(hooks: LendingContractHooks): void {
    this.context.contracts.register(hooks);
  }

  // --- loans credit originates: a line's instalment draw assigned to investors (origin.ts) ---

  /** Credit's hooks, called in lending's transactions: disbursement, a failed listing, closure. */
  onCreditDraw(hooks: CreditDrawHooks): void {
    this.context.origins.register(hooks);
  }

  /** Lists a credit plan as a loan in the caller's transaction; returns the loan's id. */
  listAssignedDraw(trx: Executor, draw: AssignedDraw): Promise<string> {
    return listAssignedDraw(this.context, trx, draw);
  }
}
