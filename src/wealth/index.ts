/** Wealth management: the money-market fund, distributed mutual funds, fixed-term products, suitability at purchase. See docs/wealth.md. */

export { CURRENCY as WEALTH_CURRENCY, unitLedger, WealthCode, wealthAccount } from './accounts.ts';
export { wealthDuesAsOf } from './analytics-facts.ts';
export { firstWealthDates, type WealthOrdersOfDay, wealthInvestmentsOn } from './analytics-users.ts';
export { CUT_OFF, type Holiday, isWeekend, TradingDays, tradeDateOf } from './calendar.ts';
export type { WealthContext } from './context.ts';
export { wealthInvestmentsOf } from './crm-investments.ts';
export {
  type HoldingAccount,
  holdingAccounts,
  productKinds,
  type WealthInvesting,
  wealthChangesOn,
  wealthInvesting,
} from './crm-portraits.ts';
export type { Holding } from './holdings.ts';
export {
  PRODUCT_KINDS,
  PRODUCT_STATUSES,
  type Product,
  type ProductKind,
  type ProductStatus,
} from './products.ts';
export { Wealth, type WealthOptions } from './service.ts';
