/**
 * The double-entry ledger: the one source of truth for every balance in netfin. See docs/ledger.md.
 */

export {
  cashHeldBefore,
  countLabelsInCreditAt,
  type PostedSums,
  postedSumsBefore,
} from './analytics-balances.ts';
export { postedBalanceSql } from './balance-sql.ts';
export { blockOf } from './chain.ts';
export type { LedgerChainProblem, LedgerChainReport } from './chain-verify.ts';
export {
  type ChartEntry,
  type ChartKey,
  ChartOfAccounts,
  chartEntry,
  type NormalSide,
  normalBalance,
} from './chart.ts';
export { incomeFromAccounts, oldestIncomeIn } from './crm-income.ts';
export { accountsMovedSince, firstPostedFrom, ledgerChainPosition } from './crm-moved.ts';
export { postedDebitsByCode } from './crm-sums.ts';
export {
  ACCOUNT_FLAG_NAMES,
  type Account,
  type AccountEventResult,
  AccountFlag,
  type AccountFlagName,
  type AccountInput,
  CREATE_ACCOUNT_RESULTS,
  CREATE_TRANSFER_RESULTS,
  type CreateAccountResult,
  type CreateTransferResult,
  flagsFromNames,
  flagsToNames,
  hasFlag,
  ID_PATTERN,
  isOverflow,
  MAX_BATCH_SIZE,
  MAX_TIMEOUT_SECONDS,
  type PendingState,
  TRANSFER_FLAG_NAMES,
  type Transfer,
  type TransferEventResult,
  TransferFlag,
  type TransferFlagName,
  type TransferInput,
} from './model.ts';
export type {
  AccountBalance,
  Balances,
  PostedMovement,
  PostedMovementFilter,
  TransferFilter,
} from './queries.ts';
export {
  type InTransaction,
  Ledger,
  type LedgerObserver,
  type LedgerOptions,
  validateAccounts,
  validateTransfers,
} from './service.ts';
export type { VerifyProblem, VerifyReport } from './verify.ts';
