/** Consumer credit: line products, revolving credit lines, cash draws and repayments, line management. */

export { CREDIT_INTEREST_INCOME_ACCOUNT, CreditCode, type LineBalances, lineAccount } from './accounts.ts';
export { creditDuesAsOf } from './analytics-facts.ts';
export { drawsOn, firstDrawDates } from './analytics-users.ts';
export type { LineApplication, LineDecision } from './apply.ts';
export { drawApr, instalmentApr, type LinePricing, linePricing } from './apr.ts';
export { ASSIGNED_DRAW_PRODUCT, type AssignResult } from './assign.ts';
export type { CreditAcceptance, CreditContractHooks, CreditLineIssued } from './contract-hooks.ts';
export { type CreditFacts, creditChangesOn, creditFacts } from './crm-portraits.ts';
export { creditForExport, openLinesOf } from './data-export.ts';
export type { DrawRepayment, DrawResult, DrawToCardResult } from './draws.ts';
export { type FundingReport, fundingReport } from './funding.ts';
export { LINE_STATUSES, type Line, type LineEvent, type LineStatus } from './lines.ts';
export type { Delinquency, OverdueLine } from './overdue.ts';
export {
  createPlan,
  type NewPlan,
  PLAN_KINDS,
  type Plan,
  type PlanInstalment,
  type PlanKind,
  plansOf,
  splitInstalments,
} from './plans.ts';
export {
  BILLING_DEFAULTS,
  type BillingConfig,
  DEFAULT_LINE_PRODUCTS,
  type LineProduct,
  type LineProductConfig,
  type LineProductPatch,
} from './products.ts';
export type { PurchaseOption, PurchaseResult } from './purchases.ts';
export type { Allocation, RepaymentResult } from './repayment.ts';
export { REVIEW, type ReviewDecision } from './review.ts';
export { Credit, type CreditOptions } from './service.ts';
export type {
  StatementDetail,
  StatementItem,
  StatementStatus,
  StatementView,
} from './statement-view.ts';
export type { LineBilling } from './statements.ts';
