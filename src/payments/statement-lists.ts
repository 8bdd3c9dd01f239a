/**
 * The kinds of wallet movement a statement names, and the kinds of account on their other side.
 * This file imports nothing, so that the web app filters by the same list the API validates
 * (web/src/areas/wallet/Statement.tsx imports it, as web/src/session.tsx imports the roles).
 */
export const STATEMENT_KINDS = [
  'top_up',
  'withdrawal',
  'withdrawal_fee',
  'transfer_in',
  'transfer_out',
  'merchant_payment',
  'refund',
  'investment',
  'repayment_received_principal',
  'repayment_received_interest',
  'reserve_advance',
  'note_sale',
  'note_purchase',
  'note_sale_fee',
  'loan_disbursement',
  'loan_repayment',
  'prepayment_fee',
  'credit_draw',
  'credit_repayment',
  'wealth_subscription',
  'wealth_subscription_refund',
  'wealth_redemption',
  'wealth_interest',
  'reward',
  'other',
] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

export const COUNTERPART_KINDS = [
  'bank_card',
  'customer',
  'merchant',
  'loan',
  'note',
  'note_buyer',
  'note_seller',
  'risk_reserve',
  'platform_fees',
  'credit_line',
  'wealth_product',
  'platform',
] as const;
export type CounterpartKind = (typeof COUNTERPART_KINDS)[number];
