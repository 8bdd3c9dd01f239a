import type { BatchStep } from '../batch/index.ts';
import { inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import { addHoliday, listHolidays, removeHoliday, TradingDays, tradeDateOf } from './calendar.ts';
import type { WealthContext } from './context.ts';
import { FixedTerm } from './fixed/service.ts';
import { FundDistribution } from './funds/service.ts';
import { holdingsOfUser } from './holdings.ts';
import { MoneyMarketIncome } from './mmf/income.ts';
import { MoneyMarketOrders } from './mmf/orders.ts';
import { getProduct, listProducts, type ProductKind, type ProductStatus } from './products.ts';
import { ProductWorkflow } from './products-workflow.ts';

export type WealthOptions = WealthContext;

/**
 * Wealth management's public face: the trading calendar, products and their lifecycle, the
 * money-market fund (orders and income), distributed mutual funds and fixed-term products.
 */
export class Wealth {
  readonly context: WealthContext;
  readonly products: ProductWorkflow;
  readonly mmf: MoneyMarketOrders;
  readonly income: MoneyMarketIncome;
  readonly funds: FundDistribution;
  readonly fixed: FixedTerm;

  constructor(options: WealthOptions) {
    this.context = options;
    this.products = new ProductWorkflow(options);
    this.mmf = new MoneyMarketOrders(options);
    this.income = new MoneyMarketIncome(options);
    this.funds = new FundDistribution(options);
    this.fixed = new FixedTerm(options);
  }

  /** The trading calendar around a date (today's business date by default). */
  tradingDays(around: PlainDate = this.context.clock.businessDate()): Promise<TradingDays> {
    return TradingDays.around(this.context.db, around);
  }

  /** The trade date an order placed now gets, and whether it is before the cut-off. */
  async tradeDate(): Promise<{ tradeDate: PlainDate; beforeCutOff: boolean }> {
    return tradeDateOf(this.context.clock, await this.tradingDays());
  }

  holidays(from: PlainDate = this.context.clock.businessDate()) {
    return listHolidays(this.context.db, from);
  }

  /** Adds a holiday and its audit record, in one transaction. */
  addHoliday(input: { date: string; name: string }, audit: AuditContext) {
    return inTransaction(this.context.db, async (trx) => {
      const holiday = await addHoliday(trx, this.context.clock, { ...input, by: audit.principal.userId });
      await this.context.identity.audit(
        audit,
        {
          action: 'wealth.holiday_added',
          subjectType: 'wealth_holiday',
          subjectId: holiday.date,
          after: holiday,
        },
        trx,
      );
      return holiday;
    });
  }

  /** Removes a holiday and records it, in one transaction. */
  removeHoliday(date: string, audit: AuditContext) {
    return inTransaction(this.context.db, async (trx) => {
      const holiday = await removeHoliday(trx, this.context.clock, date);
      await this.context.identity.audit(
        audit,
        {
          action: 'wealth.holiday_removed',
          subjectType: 'wealth_holiday',
          subjectId: holiday.date,
          before: holiday,
        },
        trx,
      );
      return holiday;
    });
  }

  product(idOrCode: string) {
    return getProduct(this.context.db, idOrCode);
  }

  listProducts(filter: { kind?: ProductKind; status?: readonly ProductStatus[] } = {}) {
    return listProducts(this.context.db, filter);
  }

  holdingsOf(userId: string) {
    return holdingsOfUser(this.context.db, userId);
  }

  /** Seeds the platform's own money-market fund (published) where none exists. */
  async seed(): Promise<void> {
    await this.mmf.seed();
  }

  daySteps(): BatchStep[] {
    return [
      ...this.income.daySteps(),
      ...this.mmf.daySteps(),
      ...this.funds.daySteps(),
      ...this.fixed.daySteps(),
    ];
  }
}
