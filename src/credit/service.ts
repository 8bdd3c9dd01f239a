import { inTransaction } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import type { Clock, PlainDate } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Payments } from '../payments/index.ts';
import type { Risk } from '../risk/index.ts';
import { ensurePlatformAccounts, lineBalances } from './accounts.ts';
import { applyForLine, closeReferral, type LineApplication } from './apply.ts';
import { linePricing } from './apr.ts';
import { creditDaySteps } from './day-steps.ts';
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
import { LineProductStore } from './products.ts';

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
    this.products = new LineProductStore(options.db, options.clock);
    this.context = { ...options, products: this.products };
    // A risk officer's verdict on a referred line grants or declines it, in the review's transaction.
    options.risk.reviews.onClosed(async (outcome, trx) => {
      await closeReferral(this.context, trx, outcome);
      return undefined;
    });
  }

  async seed(): Promise<void> {
    await this.products.seed();
    await inTransaction(this.context.db, (trx) => ensurePlatformAccounts(this.context.ledger, trx));
  }

  apply(customerId: string, input: LineApplication) {
    return applyForLine(this.context, customerId, input);
  }

  line(id: string) {
    return getLine(this.context.db, id);
  }

  linesOf(customerId: string) {
    return linesOf(this.context.db, customerId);
  }

  search(filter: { customerId?: string; status?: LineStatus; before?: string; limit: number }) {
    return searchLines(this.context.db, filter);
  }

  balances(lineId: string) {
    return lineBalances(this.context.ledger, lineId);
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

  repay(customerId: string, lineId: string, amount: bigint) {
    return draws.repay(this.context, customerId, lineId, amount);
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

  // --- end purchases ---

  // --- statements, repayment, delinquency, review (src/credit/statements.ts, repayment.ts, overdue.ts) ---

  // --- end statements ---

  daySteps() {
    return creditDaySteps(this.context);
  }
}
