/** The knobs of the payment business, in minor units of CNY, with their defaults (see src/app/config.ts). */
export interface PaymentSettings {
  /**
   * The most one order may move (top-up, withdrawal, transfer, merchant order, refund). Far below the
   * int8 range of ledger balances, so that an absurd amount is refused before anything is written.
   */
  readonly maxOrderAmount: bigint;
  /** The most an unverified user may pay or transfer at once. */
  readonly unverifiedPaymentLimit: bigint;
  /** A payment up to this needs no payment password... */
  readonly passwordFreeLimit: bigint;
  /** ...as long as the day's password-free payments stay within this. */
  readonly passwordFreeDailyLimit: bigint;
  /** Transfers above this need the payment password. */
  readonly transferPasswordThreshold: bigint;
  /** Withdrawal fee: a rate of the amount (exact decimal), at least the minimum. */
  readonly withdrawalFeeRate: string;
  readonly withdrawalFeeMinimum: bigint;
  readonly withdrawalDailyLimit: bigint;
  readonly topUpTtlMinutes: number;
  readonly merchantOrderTtlMinutes: number;
  /** How long an order may wait for a notification before the poller asks the channel. */
  readonly pollAfterSeconds: number;
}

export const DEFAULT_PAYMENT_SETTINGS: PaymentSettings = {
  maxOrderAmount: 1_000_000_00n,
  unverifiedPaymentLimit: 200_00n,
  passwordFreeLimit: 200_00n,
  passwordFreeDailyLimit: 1_000_00n,
  transferPasswordThreshold: 1_000_00n,
  withdrawalFeeRate: '0.001',
  withdrawalFeeMinimum: 1_00n,
  withdrawalDailyLimit: 50_000_00n,
  topUpTtlMinutes: 30,
  merchantOrderTtlMinutes: 15,
  pollAfterSeconds: 120,
};
