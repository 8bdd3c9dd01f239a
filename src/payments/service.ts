import { sql } from 'kysely';
import type { BatchStep } from '../batch/index.ts';
import type { Executor } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import type { Clock, QueueObserver } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { ensurePlatformAccounts, FEE_INCOME_ACCOUNT } from './accounts.ts';
import { channelCosts } from './channel-cost.ts';
import { handleNotification, pollPendingOrders } from './channel-events.ts';
import type { PaymentChannel } from './channels/channel.ts';
import type { PaymentsContext, TopUpSettledListener } from './context.ts';
import * as creditOrders from './credit-orders.ts';
import { daySummary } from './day-summary.ts';
import * as merchant from './merchant.ts';
import { NotificationQueue } from './notification-queue.ts';
import type { OrderFilter } from './orders.ts';
import { ordersOfUser } from './orders.ts';
import * as reconciliation from './reconcile.ts';
import type { PaymentSettings } from './settings.ts';
import * as statements from './statement.ts';
import { statementCsv } from './statement-csv.ts';
import { TransferBatcher } from './transfer-batch.ts';
import * as wallet from './wallet.ts';

export interface PaymentsOptions {
  readonly db: Executor;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly settings: PaymentSettings;
  readonly channels?: readonly PaymentChannel[];
  /** Who watches payments (the platform's metrics); nobody by default. */
  readonly observer?: PaymentsObserver;
}

/** How a channel's notification ended: the answer the channel got. */
export type NotificationResult = 'accepted' | 'rejected' | 'malformed' | 'unknown_channel' | 'error';

/** What payments tells the platform's metrics (src/app/metrics.ts). */
export interface PaymentsObserver {
  /** The wallet-to-wallet transfers' group-commit queue. */
  readonly queue?: QueueObserver;
  /** The channel notifications' group-commit queue. */
  readonly notificationQueue?: QueueObserver;
  /** A channel's notification was answered (`channel` is `unknown` for a name no channel has). */
  notified?(channel: string, result: NotificationResult, seconds: number): void;
}

function notificationResult(status: number): NotificationResult {
  if (status === 200) return 'accepted';
  if (status === 404) return 'unknown_channel';
  return status === 400 ? 'malformed' : 'rejected';
}

/**
 * The payments context's public face: wallets, top-ups, withdrawals, transfers, merchants and QR
 * payments, channel notifications and polling, reconciliation and exceptions. Channels can be added
 * after start (the demo gateway is started with the server), and the public URL that channels send
 * notifications to is known only once the server listens.
 */
export class Payments {
  private readonly channels = new Map<string, PaymentChannel>();
  private publicUrl = 'http://127.0.0.1:3000';
  readonly context: PaymentsContext;
  private readonly transfers: TransferBatcher;
  private readonly notifications: NotificationQueue;
  private readonly observer: PaymentsObserver | undefined;

  constructor(options: PaymentsOptions) {
    this.observer = options.observer;
    for (const channel of options.channels ?? []) this.channels.set(channel.name, channel);
    this.context = {
      db: options.db,
      clock: options.clock,
      ledger: options.ledger,
      identity: options.identity,
      settings: options.settings,
      channels: this.channels,
      notifyUrl: (channel) => `${this.publicUrl}/v1/payments/channels/${channel}/notify`,
      submitTransfer: (order) => this.transfers.submit(order),
      submitNotification: (settlement) => this.notifications.submit(settlement),
      creditRefunds: {},
      statementDates: {},
      topUpSettled: { listeners: [] },
    };
    this.transfers = new TransferBatcher(this.context, options.observer?.queue);
    this.notifications = new NotificationQueue(this.context, options.observer?.notificationQueue);
  }

  /**
   * For shutdown: refuses new wallet transfers and channel notifications (`shutting_down`) and
   * resolves once every one submitted before has been answered, so that the database can then be closed.
   */
  async close(): Promise<void> {
    await Promise.all([this.transfers.close(), this.notifications.close()]);
  }

  addChannel(channel: PaymentChannel): void {
    this.channels.set(channel.name, channel);
  }

  setPublicUrl(url: string): void {
    this.publicUrl = url.replace(/\/$/, '');
  }

  wallet(userId: string) {
    return wallet.walletView(this.context, userId);
  }

  /**
   * For other contexts that move wallet money in their own transaction (lending): makes sure the
   * wallet exists and returns its ledger account. With `lock`, also locks the wallet row, as payments
   * does before a debit, so that their checks and debits and payments' own are one at a time.
   */
  walletAccount(trx: Executor, userId: string, options: { lock?: boolean } = {}): Promise<string> {
    return options.lock
      ? wallet.lockWallet(this.context, trx, userId)
      : wallet.ensureWallet(this.context, trx, userId);
  }

  /** Locks many users' wallets at once (in user id order); returns each user's wallet account. */
  lockWallets(trx: Executor, userIds: readonly string[]): Promise<Map<string, string>> {
    return wallet.lockWallets(this.context, trx, userIds);
  }

  /** The platform's fee income account (for CNY). */
  readonly feeIncomeAccount = FEE_INCOME_ACCOUNT;

  /** Makes sure the platform accounts exist (fee income), in the caller's transaction. */
  ensurePlatformAccounts(trx: Executor): Promise<void> {
    return ensurePlatformAccounts(this.context.ledger, trx, []);
  }

  history(userId: string, filter: OrderFilter) {
    return ordersOfUser(this.context.db, userId, filter);
  }

  /** The wallet's statement from the ledger: every movement, newest first, a page at a time (statement.ts). */
  statement(userId: string, filter: statements.StatementFilter) {
    return statements.statement(this.context, userId, filter);
  }

  /** The statement as CSV, every line the filter keeps up to STATEMENT_CSV_CAP. */
  statementCsv(
    userId: string,
    filter: Omit<statements.StatementFilter, 'limit' | 'before'>,
    language: 'zh' | 'en',
  ) {
    return statementCsv(this.context, userId, filter, language);
  }

  /** Lending registers the business dates of the movements it posts (investor_flow_dates). */
  onStatementDates(provider: statements.StatementDates): void {
    this.context.statementDates.provider = provider;
  }

  order(userId: string, orderId: string) {
    return wallet.orderOfUser(this.context, userId, orderId);
  }

  /**
   * A top-up by card. Another context that tops up for a purpose of its own (crowdfunding: back by
   * card) gives a description and records its purpose in the order's transaction (options.withOrder),
   * then finishes it when the top-up settles (onTopUpSettled).
   */
  topUp(userId: string, input: { amount: bigint; cardId: string }, options: wallet.TopUpOptions = {}) {
    return wallet.topUp(this.context, userId, input, options);
  }

  /**
   * What the channels charged netfin for these orders, by order id, for those that have a recorded
   * cost (charges that succeeded; docs/payments.md, Channel costs). In the caller's transaction if given.
   */
  channelCosts(orderIds: readonly string[], trx?: Executor): Promise<Map<string, bigint>> {
    return channelCosts(trx ?? this.context.db, orderIds);
  }

  /** The cost the channel charged for one order: null unless it is a charge that succeeded. */
  async channelCostOf(orderId: string, trx?: Executor): Promise<bigint | null> {
    return (await this.channelCosts([orderId], trx)).get(orderId) ?? null;
  }

  /** Registers an action chained on every top-up's settlement, run in its transaction (context.ts). */
  onTopUpSettled(listener: TopUpSettledListener): void {
    this.context.topUpSettled.listeners.push(listener);
  }

  withdraw(userId: string, input: { amount: bigint; cardId: string; paymentPassword: string }) {
    return wallet.withdraw(this.context, userId, input);
  }

  transfer(
    userId: string,
    input: {
      toPhone: string;
      amount: bigint;
      paymentPassword?: string | undefined;
      note?: string | undefined;
    },
  ) {
    return wallet.transfer(this.context, userId, input);
  }

  becomeMerchant(userId: string, name: string) {
    return merchant.becomeMerchant(this.context, userId, name);
  }

  merchantOf(userId: string) {
    return merchant.requireMerchant(this.context, userId);
  }

  createMerchantOrder(
    userId: string,
    input: { amount: bigint; description: string; merchantOrderNo?: string | undefined },
  ) {
    return merchant.createMerchantOrder(this.context, userId, input);
  }

  merchantOrders(userId: string, filter: OrderFilter) {
    return merchant.merchantOrders(this.context, userId, filter);
  }

  merchantOrder(userId: string, orderId: string) {
    return merchant.merchantOrder(this.context, userId, orderId);
  }

  merchantSummary(userId: string, businessDate: string) {
    return merchant.merchantSummary(this.context, userId, businessDate);
  }

  refund(userId: string, orderId: string, input: { amount: bigint; reason?: string | undefined }) {
    return merchant.refund(this.context, userId, orderId, input);
  }

  orderForPayer(orderId: string) {
    return merchant.orderForPayer(this.context, orderId);
  }

  payWithWallet(
    payerId: string,
    orderId: string,
    input: { paymentPassword?: string | undefined },
    options: merchant.WalletPaymentOptions = {},
  ) {
    return merchant.payWithWallet(this.context, payerId, orderId, input, options);
  }

  startCardPayment(payerId: string, orderId: string, input: { cardId: string }, ip: string | null) {
    return merchant.startCardPayment(this.context, payerId, orderId, input, ip);
  }

  confirmCardPayment(payerId: string, orderId: string, input: { code: string }) {
    return merchant.confirmCardPayment(this.context, payerId, orderId, input);
  }

  async handleNotification(
    channel: string,
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
    ip: string | null,
  ): Promise<{ status: number; body: string }> {
    const notified = this.observer?.notified;
    if (!notified) return handleNotification(this.context, channel, headers, rawBody, ip);
    // A name no channel has is not a label: anyone can make up names, and each would be a series.
    const label = this.channels.has(channel) ? channel : 'unknown';
    const started = performance.now();
    try {
      const answer = await handleNotification(this.context, channel, headers, rawBody, ip);
      notified(label, notificationResult(answer.status), (performance.now() - started) / 1000);
      return answer;
    } catch (error) {
      notified(label, 'error', (performance.now() - started) / 1000);
      throw error;
    }
  }

  /** How many reconciliation exceptions are open (for the platform's metrics). */
  async openExceptionCount(): Promise<number> {
    const rows = await sql<{ n: number }>`
      select count(*)::int as n from payment_exceptions where status = 'open'`.execute(this.context.db);
    return rows.rows[0]?.n ?? 0;
  }

  pollPendingOrders() {
    return pollPendingOrders(this.context);
  }

  expireMerchantOrders() {
    return merchant.expireMerchantOrders(this.context);
  }

  reconcile(channel: string, businessDate: string) {
    return reconciliation.reconcile(this.context, channel, businessDate);
  }

  /** Money in and out on a business date by channel, and the open exceptions with their amount. */
  daySummary(businessDate: string) {
    return daySummary(this.context, businessDate);
  }

  reconciliationLines(channel: string, businessDate: string) {
    return reconciliation.reconciliationLines(this.context, channel, businessDate);
  }

  exceptions(filter: {
    status?: 'open' | 'resolved' | undefined;
    limit: number;
    before?: string | undefined;
  }) {
    return reconciliation.listExceptions(this.context, filter);
  }

  resolveException(
    id: string,
    input: { resolution: reconciliation.Resolution; note: string },
    audit: AuditContext,
  ) {
    return reconciliation.resolveException(this.context, id, input, audit);
  }

  /** Payments' steps of the day-close: expire unpaid merchant orders; reconcile each channel's statement for the date. */
  daySteps(): BatchStep[] {
    return [
      {
        name: 'payments.orders',
        owner: 'payments',
        position: 150,
        description: 'Expire merchant orders left unpaid past their time',
        // One statement: it runs in the day-close's transaction.
        run: (db) => merchant.expireMerchantOrders(this.context, db),
      },
      {
        name: 'payments.reconcile',
        owner: 'payments',
        position: 700,
        description: "Reconcile each channel's statement for the date against netfin's orders",
        transactional: false,
        run: async (_db, date) => {
          let lines = 0;
          for (const channel of this.channelNames()) {
            const report = await this.reconcile(channel, date);
            lines += Object.values(report.counts).reduce((a, b) => a + b, 0);
          }
          return lines;
        },
      },
    ];
  }

  // --- paying with credit (consumer credit calls these; src/payments/credit-orders.ts) ---

  /** Before credit's transaction: the order, the payer not its merchant, the payment password rules. */
  checkCreditPayment(payerId: string, orderId: string, input: { paymentPassword?: string | undefined }) {
    return creditOrders.checkCreditPayment(this.context, payerId, orderId, input);
  }

  /** In credit's transaction: the order locked while payable, with its merchant and discount rate. */
  lockForCredit(trx: Executor, payerId: string, orderId: string, passwordFree: boolean) {
    return creditOrders.lockForCredit(this.context, trx, payerId, orderId, passwordFree);
  }

  /** In credit's transaction, once the line has paid the merchant: the order succeeded with method credit. */
  markPaidWithCredit(trx: Executor, checkout: creditOrders.CreditCheckout, payerId: string) {
    return creditOrders.markPaidWithCredit(this.context, trx, checkout, payerId);
  }

  /** Registers who refunds an order paid with credit, called in the refund's transaction (one listener). */
  onCreditRefund(listener: creditOrders.CreditRefundListener): void {
    this.context.creditRefunds.listener = listener;
  }

  merchantTerms(merchantId: string) {
    return creditOrders.merchantTerms(this.context, merchantId);
  }

  setDiscountRate(merchantId: string, rate: string, audit: AuditContext) {
    return creditOrders.setDiscountRate(this.context, merchantId, rate, audit);
  }

  channelNames(): string[] {
    return [...this.channels.keys()];
  }
}
