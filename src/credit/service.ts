import type { ChunkBounds } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import type { Clock, PlainDate } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Lending } from '../lending/index.ts';
import type { Payments } from '../payments/index.ts';
import type { Risk } from '../risk/index.ts';
import { ensurePlatformAccounts, lineBalances } from './accounts.ts';
import { applyForLine, closeReferral, type LineApplication } from './apply.ts';
import { linePricing } from './apr.ts';
import { assignmentHooks, assignPlan } from './assign.ts';
import { type CreditContractHooks, CreditContractRegistry } from './contract-hooks.ts';
import * as conversion from './conversion.ts';
import { creditDaySteps, lineRanges } from './day-steps.ts';
import * as draws from './draws.ts';
import {
  type CreditContext,
  eventsOf,
  getLine,
  type Line,
  type LineStatus,
  linesOf,
  searchLines,
} from './lines.ts';
import * as manage from './manage.ts';
import * as overdue from './overdue.ts';
import { plansOf } from './plans.ts';
import { LineProductStore } from './products.ts';
import * as purchases from './purchases.ts';
import * as refunds from './refunds.ts';
import * as repayment from './repayment.ts';
import * as statementView from './statement-view.ts';
import * as statements from './statements.ts';

export interface CreditOptions {
  readonly db: CreditContext['db'];
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
  readonly risk: Risk;
}

/** The consumer-credit context's public face: line products, lines, cash draws, repayments, management. */
export class Credit {
  readonly context: CreditContext;
  readonly products: LineProductStore;

  constructor(options: CreditOptions) {
    this.products = new LineProductStore(options.db, options.clock, options.identity);
    this.context = { ...options, products: this.products, contracts: new CreditContractRegistry() };
    // A risk officer's verdict on a referred line grants or declines it, in the review's transaction.
    options.risk.reviews.onClosed(async (outcome, trx) => {
      await closeReferral(this.context, trx, outcome);
      return undefined;
    });
    // A merchant's refund of an order paid with credit restores the line, in the refund's transaction.
    options.payments.onCreditRefund((refund, trx) => refunds.refundPurchase(this.context, trx, refund));
  }

  async seed(): Promise<void> {
    await this.products.seed();
    await inTransaction(this.context.db, (trx) => ensurePlatformAccounts(this.context.ledger, trx));
  }

  apply(customerId: string, input: LineApplication, audit?: AuditContext) {
    return applyForLine(this.context, customerId, input, audit);
  }

  /**
   * The contracts register's hooks (compliance registers them): called in the transactions of a
   * line's opening and of the customer's application.
   */
  onContracts(hooks: CreditContractHooks): void {
    this.context.contracts.register(hooks);
  }

  line(id: string) {
    return getLine(this.context.db, id);
  }

  linesOf(customerId: string) {
    return linesOf(this.context.db, customerId);
  }

  search(filter: {
    customerId?: string;
    status?: LineStatus;
    overdue?: boolean;
    before?: string;
    limit: number;
  }) {
    return searchLines(this.context.db, filter);
  }

  balances(lineId: string) {
    return lineBalances(this.context.ledger, lineId, this.context.db);
  }

  history(lineId: string) {
    return eventsOf(this.context.db, lineId);
  }

  /** The line's rates with their APRs (IRR, fees included), as of `on` (today by default). */
  pricing(line: Line, on: PlainDate = this.context.clock.businessDate()) {
    if (line.dailyRate === null) return null;
    return linePricing(line.dailyRate, line.feeTable, on);
  }

  draw(customerId: string, lineId: string, amount: bigint) {
    return draws.draw(this.context, customerId, lineId, amount);
  }

  freeze(lineId: string, reason: string, audit: AuditContext) {
    return manage.freeze(this.context, lineId, reason, audit);
  }

  unfreeze(lineId: string, reason: string, audit: AuditContext) {
    return manage.unfreeze(this.context, lineId, reason, audit);
  }

  raise(lineId: string, input: { amount: bigint; endsOn: PlainDate; reason: string }, audit: AuditContext) {
    return manage.raise(this.context, lineId, input, audit);
  }

  close(lineId: string, by: { customerId: string } | { audit: AuditContext; reason: string }) {
    return manage.close(this.context, lineId, by);
  }

  // --- purchases, plans, instalment draws (src/credit/purchases.ts, plans.ts) ---

  /** What paying `amount` with the line would cost: in full, or in each offered count of instalments. */
  purchaseOptions(customerId: string, lineId: string, amount: bigint) {
    return purchases.purchaseOptions(this.context, customerId, lineId, amount);
  }

  /** Pays a merchant's order with the line, in full by the next due date or in instalments. */
  purchase(
    customerId: string,
    lineId: string,
    input: { orderId: string; instalments: number; paymentPassword?: string | undefined },
  ) {
    return purchases.purchase(this.context, customerId, lineId, input);
  }

  /** A line's plans (purchases, instalment draws, converted statements), newest first. */
  plans(lineId: string) {
    return plansOf(this.context.db, lineId);
  }

  /** A cash draw, daily-interest or in instalments, to the wallet or on to a bound card. */
  drawCash(
    customerId: string,
    lineId: string,
    input: { amount: bigint; repayment?: draws.DrawRepayment; cardId?: string; paymentPassword?: string },
  ) {
    return draws.drawToWalletOrCard(this.context, customerId, lineId, input);
  }

  // --- end purchases ---

  // --- statements, repayment, delinquency, review (src/credit/statements.ts, repayment.ts, overdue.ts) ---

  /** A repayment by the waterfall: statements oldest first (penalty, fees, interest, principal), then cash draws. */
  repay(customerId: string, lineId: string, amount: bigint) {
    return repayment.repay(this.context, customerId, lineId, amount);
  }

  billing(lineId: string) {
    return statements.lineBilling(this.context.db, lineId);
  }

  setBilling(
    customerId: string,
    lineId: string,
    input: {
      statementDay?: number | undefined;
      graceDays?: number | undefined;
      autoDebit?: boolean | undefined;
    },
  ) {
    return statements.setBilling(this.context, customerId, lineId, input);
  }

  /** The next statement date not yet drawn up, and its due date. */
  async nextStatement(lineId: string, on: PlainDate = this.context.clock.businessDate()) {
    const billing = await statements.lineBilling(this.context.db, lineId);
    return statements.nextStatement(this.context.db, lineId, billing, on);
  }

  statements(lineId: string, on: PlainDate = this.context.clock.businessDate()) {
    return statementView.statementsOf(this.context, lineId, on);
  }

  statement(lineId: string, statementId: string, on: PlainDate = this.context.clock.businessDate()) {
    return statementView.statementOf(this.context, lineId, statementId, on);
  }

  /** Converts a statement's unpaid principal into `months` instalments (账单分期), by its due date, once. */
  convertStatement(customerId: string, lineId: string, statementId: string, months: number) {
    return conversion.convertStatement(this.context, customerId, lineId, statementId, months);
  }

  /** The line's delinquency now (days past due, bucket, since, amount overdue), or null. */
  delinquency(lineId: string) {
    return overdue.lineDelinquency(this.context, lineId);
  }

  /** Collections' view of the book: lines delinquent at the close of `date`, a chunk at a time. */
  overdueLines(db: Executor, bounds: ChunkBounds, date: PlainDate) {
    return overdue.overdueLines(db, bounds, date);
  }

  /** The chunks of the line book (key ranges), for steps of other contexts that walk it. */
  lineRanges(db: Executor) {
    return lineRanges(db);
  }

  repaidBetween(db: Executor, windows: readonly { lineId: string; from: PlainDate }[], to: PlainDate) {
    return overdue.repaidBetween(db, windows, to);
  }

  // --- end statements ---

  daySteps() {
    return creditDaySteps(this.context);
  }

  // --- assigning a draw to the marketplace (src/credit/assign.ts) ---

  private lending: Lending | null = null;

  /** Connects lending, which lists assigned draws and calls credit back (disbursed, failed, closed). */
  connectLending(lending: Lending): void {
    this.lending = lending;
    lending.onCreditDraw(assignmentHooks(this.context));
  }

  /** Staff assign a cash draw's instalment plan to marketplace investors as a listing. */
  assignPlan(planId: string, audit: AuditContext) {
    if (!this.lending) throw new Error('credit is not connected to lending');
    return assignPlan(this.context, this.lending, planId, audit);
  }

  // --- end assigning ---
}
