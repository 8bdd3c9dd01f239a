import type { RoundingMode } from '../kernel/index.ts';

/**
 * What a channel charges netfin for a charge it settles (a top-up, a card payment to a merchant): a
 * rate of the amount (exact decimal), rounded by `rounding` to the cent, at least `minimum` per order
 * (never more than the order's amount). The channel remits the amount less this cost.
 */
export interface ChannelCost {
  readonly rate: string;
  readonly minimum: bigint;
}

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
  /**
   * What each channel, by name, charges for a charge it settles; a channel not named costs nothing.
   * Booked as channel_fee_expense (5001) when the charge settles (docs/payments.md, Channel costs).
   */
  readonly channelCosts: Readonly<Record<string, ChannelCost>>;
  /** How a channel cost is rounded to the cent. */
  readonly channelCostRounding: RoundingMode;
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
  // The simulated gateway charges 0.25% of a card charge, like a Chinese card-acquiring rate for
  // online top-ups (0.2% to 0.6%), with no minimum.
  channelCosts: { sim: { rate: '0.0025', minimum: 0n } },
  channelCostRounding: 'half_up',
};
