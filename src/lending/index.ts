/** The P2P lending marketplace: products, schedules, listings and bids, loans and notes, servicing, the reserve, the secondary market. */

export { LendingCode, loanAccount, noteAccountId, RESERVE_ACCOUNT } from './accounts.ts';
export { amlDisbursements, type Disbursement, outstandingPrincipalOf } from './aml-facts.ts';
export {
  type BookCell,
  forgetLoanBookDays,
  isMonthEnd,
  keepMonthEndBook,
  type LoanBookDay,
  type LoanRoll,
  loanBookAsOf,
  loanBookDay,
  previousMonthEnd,
} from './analytics-book-days.ts';
export {
  disclosureBookAsOf,
  investorNoteAccountsOf,
  investorNoteHolders,
  type LoanBookAsOf,
  loanDuesAsOf,
} from './analytics-disclosure.ts';
export {
  businessDayBounds,
  type FilledListing,
  type MarketplaceDay,
  marketplaceDay,
  type ReserveDay,
  repaidOn,
  reserveDay,
} from './analytics-facts.ts';
export {
  firstLoanDates,
  firstNoteDates,
  loansDisbursedOn,
  noteInvestmentsOn,
  type UserFirstDate,
  type UserOrders,
} from './analytics-users.ts';
export {
  annualPercentageRate,
  type BorrowingCosts,
  borrowingCosts,
  type LoanTerms,
  loanApr,
  priceLoan,
} from './apr.ts';
export type { AutoInvestInput, AutoInvestRule } from './autoinvest.ts';
export type { Bid } from './bids.ts';
export type {
  LendingAcceptance,
  LendingContractHooks,
  LendingDeal,
  LoanIssued,
  NoteTransferIssued,
} from './contract-hooks.ts';
export { borrowedBy, noteInvestmentsOf, type UserInvestments } from './crm-amounts.ts';
export {
  type Borrowing,
  borrowing,
  lendingChangesOn,
  type MarketplaceInvesting,
  marketplaceInvesting,
} from './crm-portraits.ts';
export { lendingForExport, openPositionsOf } from './data-export.ts';
export type { DaySummary } from './day.ts';
export type { OverdueLoan } from './day-steps.ts';
export type { PlatformFigures } from './figures.ts';
export { bucketOf, type Loan, type LoanStatus } from './loans.ts';
export {
  type Application,
  type ApplyInput,
  PURPOSES,
  type Purpose,
  RISK_LEVEL_OF_GRADE,
} from './marketplace.ts';
export type {
  AssignedDraw,
  AssignedLoanClosed,
  CreditDrawHooks,
  DebtTakeover,
  DrawDisbursed,
} from './origin.ts';
export { type PreviewInput, previewSchedule, type SchedulePreview } from './preview.ts';
export {
  checkProductConfig,
  DEFAULT_PRODUCTS,
  type Product,
  type ProductConfig,
  productConfigSchema,
} from './products.ts';
export type { PayoffQuote, RepaymentResult } from './repay.ts';
export {
  buildSchedule,
  type Installment,
  REPAYMENT_METHODS,
  type RepaymentMethod,
  type Schedule,
  type ScheduleInput,
  xirr,
} from './schedule.ts';
export type { NoteListing, PublicNoteListing } from './secondary.ts';
export { Lending, type LendingOptions } from './service.ts';
export {
  DPD_BUCKETS,
  type DpdBucket,
  STAFF_LOANS_COUNT_CAP,
  type StaffLoanFilter,
  type StaffLoanPage,
  type StaffLoanRow,
} from './staff-loans.ts';
export type { InstallmentView, InvestorStatement, LoanView, NoteStatement } from './statements.ts';
