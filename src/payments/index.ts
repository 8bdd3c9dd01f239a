/** Third-party payment: wallets, bank-card top-up and withdrawal, transfers, merchant QR payments, reconciliation. */

export {
  CHANNEL_COST_CODE,
  CURRENCY,
  channelFeeAccountId,
  merchantAccountId,
  TransferCode,
  walletAccountId,
} from './accounts.ts';
export {
  activeCustomerCount,
  amlMovements,
  type CustomerPart,
  customersInPart,
  lastMovementBefore,
  type Movement,
  type MovementKind,
} from './aml-facts.ts';
export { firstPaymentDates, type PaymentsOfDay, paymentsOn } from './analytics-users.ts';
export type { ChannelNotification, PaymentChannel, StatementLine } from './channels/channel.ts';
export { signNotification } from './channels/signature.ts';
export { SimChannel } from './channels/sim.ts';
export type { TopUpSettledListener } from './context.ts';
export type {
  CreditCheckout,
  CreditMerchant,
  CreditRefund,
  CreditRefundListener,
  MerchantTerms,
} from './credit-orders.ts';
export { feesPaidBy, REVENUE_CODES } from './crm-fees.ts';
export { type PaymentFacts, paymentChangesOn, paymentFacts } from './crm-portraits.ts';
export { paymentsForExport } from './data-export.ts';
export { GatewaySim, type GatewaySimOptions, type SimControl } from './gateway-sim/server.ts';
export { type Merchant, orderIdFromPayload, qrPayload } from './merchant.ts';
export type { Order, OrderKind, OrderStatus } from './orders.ts';
export {
  type Classification,
  type PaymentException,
  RESOLUTIONS,
  type ReconciliationReport,
  type Resolution,
} from './reconcile.ts';
export {
  type NotificationResult,
  Payments,
  type PaymentsObserver,
  type PaymentsOptions,
} from './service.ts';
export { type ChannelCost, DEFAULT_PAYMENT_SETTINGS, type PaymentSettings } from './settings.ts';
export type { StatementDates, StatementFilter, WalletStatementLine } from './statement.ts';
export { STATEMENT_CSV_CAP } from './statement-csv.ts';
export {
  COUNTERPART_KINDS,
  type CounterpartKind,
  kindOf,
  NAMED_CODES,
  STATEMENT_KINDS,
  type StatementKind,
} from './statement-kinds.ts';
export type { TopUpOptions, WalletView } from './wallet.ts';
export { walletBalanceSql } from './wallet-balance-sql.ts';
