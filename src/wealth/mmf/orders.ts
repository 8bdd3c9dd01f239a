import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import { type Executor, inTransaction } from '../../db/index.ts';
import type { AuditContext } from '../../identity/index.ts';
import {
  BUSINESS_TIME_ZONE,
  dateInZone,
  invalid,
  notFound,
  parseDate,
  ruleViolation,
  uuidv7,
} from '../../kernel/index.ts';
import { TransferFlag } from '../../ledger/index.ts';
import { post, transfer, WealthCode, wealthAccount } from '../accounts.ts';
import { TradingDays, tradeDateOf } from '../calendar.ts';
import type { WealthContext } from '../context.ts';
import { holdingOf } from '../holdings.ts';
import {
  getProduct,
  type Product,
  publishedProduct,
  registerPublishHook,
  registerTermsValidator,
} from '../products.ts';
import {
  balances,
  checkTopUp,
  createMoneyMarketAccounts,
  liquidityOf,
  topUpLiquidity,
  yuan,
} from './orders-liquidity.ts';
import { mmfDaySteps } from './orders-steps.ts';
import {
  dayTotals,
  getOrder,
  insertOrder,
  type MmfOrder,
  type MmfOrderPurpose,
  ordersOfDay,
  ordersOfUser,
  quotaUsed,
  type RedemptionMode,
  takeQuota,
} from './orders-store.ts';
import { DEFAULT_MONEY_MARKET_TERMS, type MoneyMarketTerms, parseMoneyMarketTerms } from './orders-terms.ts';
import { type BeforeDebit, payFromFund, payWithRedemption } from './pay.ts';

/** The platform's own money-market fund, seeded at every start. */
export const PLATFORM_FUND_CODE = 'NETFIN-CASH';

// A money-market fund operations create goes through the products workflow: its terms are checked
// when written, and its accounts opened when it is published.
registerTermsValidator('money_market', (terms) => parseMoneyMarketTerms(terms).json);
registerPublishHook('money_market', async (trx, product, context) => {
  parseMoneyMarketTerms(product.terms);
  await createMoneyMarketAccounts(context, trx, product.id);
});
/**
 * The money-market fund's subscriptions, redemptions (normal and quick), liquidity and payment from
 * the fund. Units are CNY minor units at the fixed NAV of 1.0000. docs/wealth-mmf-orders.md.
 */
export class MoneyMarketOrders {
  constructor(readonly context: WealthContext) {}

  /**
   * Creates the platform's own money-market fund (published, R1) where none exists, and the ledger
   * accounts of every money-market fund. Idempotent: it runs at every start.
   */
  async seed(): Promise<void> {
    const { db, clock } = this.context;
    const now = clock.now();
    await inTransaction(db, async (trx) => {
      await sql`insert into wealth_products (id, code, kind, name_zh, name_en, risk_level, allow_override, status,
          terms, approved_at, published_at, created_at, updated_at)
        values (${uuidv7()}, ${PLATFORM_FUND_CODE}, 'money_market', '零钱盈', 'netfin Cash+', 1, false, 'published',
          ${JSON.stringify(DEFAULT_MONEY_MARKET_TERMS)}::jsonb, ${now}, ${now}, ${now}, ${now})
        on conflict (code) do nothing`.execute(trx);
      const funds = await sql<{
        id: string;
      }>`select id from wealth_products where kind = 'money_market'`.execute(trx);
      for (const fund of funds.rows) await createMoneyMarketAccounts(this.context, trx, fund.id);
    });
  }

  /** The fund an order names (the platform's by default), and its terms. */
  async fund(
    db: Executor,
    productRef: string | undefined,
    options: { onSale: boolean; lock?: 'share'; customer?: boolean },
  ): Promise<{ product: Product; terms: MoneyMarketTerms }> {
    const ref = productRef ?? PLATFORM_FUND_CODE;
    const product = options.onSale
      ? await publishedProduct(db, ref, 'money_market', options.lock)
      : await getProduct(db, ref, options.lock);
    // A customer redeems from, and sees, a fund once published, and still after it closes.
    const hidden = options.customer && (product.status === 'draft' || product.status === 'approved');
    if (product.kind !== 'money_market' || hidden)
      throw notFound('product_not_found', 'no such money-market fund');
    return { product, terms: parseMoneyMarketTerms(product.terms).terms };
  }

  /** When an order placed now trades, is confirmed (a subscription earns from then) or is paid. */
  async timing(db: Executor = this.context.db) {
    const { clock } = this.context;
    const businessDate = clock.businessDate();
    const days = await TradingDays.around(db, businessDate);
    const { tradeDate, beforeCutOff } = tradeDateOf(clock, days);
    const settleDate = days.next(tradeDate);
    // Quick redemption's caps are per calendar day in Shanghai, whenever the day-close moves the
    // business date (a close at 23:30 must not give a second day's quota before midnight).
    const quotaDay = dateInZone(clock.now(), BUSINESS_TIME_ZONE);
    return { businessDate, tradeDate, beforeCutOff, settleDate, quotaDay };
  }

  /**
   * A subscription from the wallet: the suitability check, wallet → the fund's pending account and
   * the order row, in one transaction. Confirmed (pending → holding) by the day-close before its
   * confirm date opens, the next trading day after its trade date; it earns from that date.
   */
  async subscribe(
    userId: string,
    input: { amount: bigint; productId?: string; acknowledgeRisk?: boolean; language?: 'zh' | 'en' },
  ): Promise<MmfOrder> {
    const { db, ledger, identity, payments, clock } = this.context;
    const { product, terms } = await this.fund(db, input.productId, { onSale: true });
    if (input.amount < terms.minSubscription)
      throw ruleViolation(
        'below_minimum_subscription',
        `the smallest subscription is ${yuan(terms.minSubscription)}`,
        {
          minimum: yuan(terms.minSubscription),
        },
      );
    const timing = await this.timing();
    const id = uuidv7();
    await inTransaction(db, async (trx) => {
      await publishedProduct(trx, product.id, 'money_market', 'share');
      const standing = await identity.suitability.checkPurchase(trx, userId, {
        productRef: `wealth_product:${product.id}`,
        productLevel: product.riskLevel,
        allowOverride: product.allowOverride,
        acknowledged: input.acknowledgeRisk ?? false,
        ...(input.language ? { language: input.language } : {}),
      });
      const wallet = await payments.walletAccount(trx, userId, { lock: true });
      const taken = transfer(
        wallet,
        wealthAccount.pending(product.id),
        input.amount,
        WealthCode.subscribe,
        id,
      );
      await insertOrder(trx, {
        id,
        productId: product.id,
        userId,
        kind: 'subscription',
        mode: null,
        purpose: 'wallet',
        reference: null,
        amount: input.amount,
        businessDate: timing.businessDate,
        tradeDate: timing.tradeDate,
        settleDate: timing.settleDate,
        status: 'pending',
        acknowledgementId: standing.acknowledgementId,
        transferId: taken.id,
        createdAt: clock.now(),
        completedAt: null,
      });
      await post(ledger, trx, [taken]);
    });
    return (await getOrder(db, id))!;
  }

  /**
   * A redemption. Normal: the units are frozen now by a pending transfer holding → wallet (they earn
   * nothing from today), posted by the day-close before the pay date opens (the next trading day
   * after the trade date). Quick: paid into the wallet at once within today's caps and the fund's
   * liquidity.
   */
  async redeem(
    userId: string,
    input: { units: bigint; mode: RedemptionMode; productId?: string },
  ): Promise<MmfOrder> {
    const { db } = this.context;
    const { product, terms } = await this.fund(db, input.productId, { onSale: false, customer: true });
    const timing = await this.timing();
    const id = await inTransaction(db, (trx) =>
      input.mode === 'quick'
        ? this.redeemQuickly(trx, product, terms, userId, input.units, {
            purpose: 'wallet',
            reference: null,
            timing,
          })
        : this.redeemNormally(trx, product, userId, input.units, timing),
    );
    return (await getOrder(db, id))!;
  }

  private async holdingAccount(
    trx: Executor,
    productId: string,
    userId: string,
    units: bigint,
  ): Promise<string> {
    const holding = await holdingOf(trx, productId, userId);
    const available = holding
      ? balances(await this.context.ledger.getAccount(holding.accountId, { tx: trx })).available
      : 0n;
    if (!holding || available < units)
      throw ruleViolation('insufficient_holding', 'the holding does not have that many units available', {
        available: yuan(available),
      });
    return holding.accountId;
  }

  private async redeemNormally(
    trx: Executor,
    product: Product,
    userId: string,
    units: bigint,
    timing: Awaited<ReturnType<MoneyMarketOrders['timing']>>,
  ): Promise<string> {
    const { ledger, payments, clock } = this.context;
    const holding = await this.holdingAccount(trx, product.id, userId, units);
    const wallet = await payments.walletAccount(trx, userId);
    const id = uuidv7();
    const hold = { ...transfer(holding, wallet, units, WealthCode.redeem, id), flags: TransferFlag.pending };
    await insertOrder(trx, {
      id,
      productId: product.id,
      userId,
      kind: 'redemption',
      mode: 'normal',
      purpose: 'wallet',
      reference: null,
      amount: units,
      businessDate: timing.businessDate,
      tradeDate: timing.tradeDate,
      settleDate: timing.settleDate,
      status: 'pending',
      acknowledgementId: null,
      transferId: hold.id,
      createdAt: clock.now(),
      completedAt: null,
    });
    await post(ledger, trx, [hold]);
    return id;
  }

  /**
   * A quick redemption in the caller's transaction (payment from the fund uses it too): the
   * investor's then the fund's cap for the business date are taken first (always in that order),
   * then holding → wallet and the fund's liquidity → liquidity used are posted; anything refused rolls
   * it all back.
   */
  async redeemQuickly(
    trx: Executor,
    product: Product,
    terms: MoneyMarketTerms,
    userId: string,
    units: bigint,
    options: {
      purpose: MmfOrderPurpose;
      reference: string | null;
      timing?: Awaited<ReturnType<MoneyMarketOrders['timing']>>;
    },
  ): Promise<string> {
    const { ledger, payments, clock } = this.context;
    const timing = options.timing ?? (await this.timing(trx));
    const today = timing.businessDate;
    const quotaDay = timing.quotaDay;
    const holding = await this.holdingAccount(trx, product.id, userId, units);
    if (!(await takeQuota(trx, product.id, userId, quotaDay, units, terms.quickPerInvestorPerDay))) {
      const left = terms.quickPerInvestorPerDay - (await quotaUsed(trx, product.id, userId, quotaDay));
      throw ruleViolation(
        'quick_redemption_limit_exceeded',
        `quick redemption is limited to ${yuan(terms.quickPerInvestorPerDay)} a day; ${yuan(left)} is left today`,
        { left: yuan(left), limit: yuan(terms.quickPerInvestorPerDay) },
      );
    }
    if (!(await takeQuota(trx, product.id, null, quotaDay, units, terms.quickFundPerDay))) {
      const left = terms.quickFundPerDay - (await quotaUsed(trx, product.id, null, quotaDay));
      throw ruleViolation(
        'fund_quick_limit_exceeded',
        "the fund's quick redemptions for today are used up; redeem normally instead",
        { left: yuan(left < 0n ? 0n : left) },
      );
    }
    const wallet = await payments.walletAccount(trx, userId);
    const id = uuidv7();
    const paid = transfer(holding, wallet, units, WealthCode.redeem, id);
    await insertOrder(trx, {
      id,
      productId: product.id,
      userId,
      kind: 'redemption',
      mode: 'quick',
      purpose: options.purpose,
      reference: options.reference,
      amount: units,
      businessDate: today,
      tradeDate: timing.tradeDate,
      settleDate: today,
      status: 'completed',
      acknowledgementId: null,
      transferId: paid.id,
      createdAt: clock.now(),
      completedAt: clock.now(),
    });
    await post(ledger, trx, [
      transfer(
        wealthAccount.liquidity(product.id),
        wealthAccount.liquidityUsed(product.id),
        units,
        WealthCode.liquidityDraw,
        id,
      ),
      paid,
    ]);
    return id;
  }

  /** The fund's liquidity for quick redemptions: available, drawn and not yet restored, today's use. */
  async liquidity(productRef?: string) {
    const { product, terms } = await this.fund(this.context.db, productRef, { onSale: false });
    return liquidityOf(this.context, product, terms);
  }

  /** Operations' top-up of the fund's liquidity from the platform's equity; audited. */
  async topUpLiquidity(input: { amount: bigint; reason: string; productId?: string }, audit: AuditContext) {
    checkTopUp(input.amount);
    const { product, terms } = await this.fund(this.context.db, input.productId, { onSale: false });
    await topUpLiquidity(this.context, product, input, audit);
    return liquidityOf(this.context, product, terms);
  }

  /** For the order form: the fund, when an order placed now trades and earns, the caller's quick quota. */
  async overview(userId: string, productRef?: string) {
    const { db, ledger } = this.context;
    const { product, terms } = await this.fund(db, productRef, { onSale: true });
    const timing = await this.timing();
    const [investorUsed, fundUsed, pool] = await Promise.all([
      quotaUsed(db, product.id, userId, timing.quotaDay),
      quotaUsed(db, product.id, null, timing.quotaDay),
      ledger.getAccount(wealthAccount.liquidity(product.id)),
    ]);
    const investorLeft = terms.quickPerInvestorPerDay - investorUsed;
    const fundLeft = terms.quickFundPerDay - fundUsed;
    const liquidity = balances(pool).available;
    const min = (...values: bigint[]) => values.reduce((a, b) => (b < a ? b : a));
    return {
      product,
      terms,
      timing,
      quick: {
        investorLeft: investorLeft < 0n ? 0n : investorLeft,
        fundLeft: fundLeft < 0n ? 0n : fundLeft,
        left: min(investorLeft, fundLeft, liquidity) < 0n ? 0n : min(investorLeft, fundLeft, liquidity),
      },
    };
  }

  /** The caller's holding: units, available (not frozen by a redemption), pending orders, recent orders. */
  async holdingOf(userId: string, productRef?: string) {
    const { db, ledger } = this.context;
    const { product } = await this.fund(db, productRef, { onSale: false, customer: true });
    const holding = await holdingOf(db, product.id, userId);
    const units = balances(holding ? await ledger.getAccount(holding.accountId) : undefined);
    const pending = await ordersOfUser(db, userId, { productId: product.id, status: 'pending', limit: 500 });
    return {
      product,
      holdingId: holding?.id ?? null,
      units: units.balance,
      available: units.available,
      frozen: units.frozen,
      pendingSubscriptions: pending.filter((o) => o.kind === 'subscription').reverse(),
      pendingRedemptions: pending.filter((o) => o.kind === 'redemption').reverse(),
      orders: await ordersOfUser(db, userId, { productId: product.id, limit: 50 }),
    };
  }

  /** Operations' view of a business date: the orders placed that day and their totals. */
  async day(dateText: string, productRef?: string) {
    const { db } = this.context;
    const parsed = parseDate(dateText);
    if (!parsed.ok) throw invalid('date_malformed', 'a date is YYYY-MM-DD');
    const { product } = await this.fund(db, productRef, { onSale: false });
    const limit = 1000;
    const orders = await ordersOfDay(db, product.id, parsed.value, limit + 1);
    return {
      product,
      date: parsed.value,
      totals: await dayTotals(db, product.id, parsed.value),
      orders: orders.slice(0, limit),
      truncated: orders.length > limit,
    };
  }

  /** Pays a merchant order from the fund (pay.ts): a quick redemption and the wallet payment, one transaction. */
  pay(userId: string, input: { orderId: string; paymentPassword?: string | undefined; productId?: string }) {
    return payFromFund(this.context, this, userId, input);
  }

  /**
   * Repays a loan from the fund: `repay` is lending's repayment, given the hook to run in its
   * transaction (the API wires the two contexts; wealth does not call lending).
   */
  repayFromFund<T>(
    userId: string,
    productId: string | undefined,
    repay: (beforeDebit: BeforeDebit) => Promise<T>,
  ) {
    return payWithRedemption(this.context, this, userId, { productId, purpose: 'loan_repayment' }, repay);
  }

  /** Its day-close steps: 510 wealth.mmf-confirm, 520 wealth.mmf-settle (docs/wealth-mmf-orders.md). */
  daySteps(): BatchStep[] {
    return mmfDaySteps(this.context);
  }
}

export { createMoneyMarketAccounts, EQUITY_ACCOUNT } from './orders-liquidity.ts';
export type { MmfOrder } from './orders-store.ts';
export { parseMoneyMarketTerms } from './orders-terms.ts';
