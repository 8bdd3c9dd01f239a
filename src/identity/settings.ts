/** The knobs of identity and access, with their defaults (set from the environment in src/app/config.ts). */
export interface IdentitySettings {
  readonly sessionTtlHours: number;
  readonly signInMaxFailures: number;
  readonly signInLockMinutes: number;
  readonly smsCodeTtlSeconds: number;
  readonly smsMaxAttempts: number;
  readonly smsIntervalSeconds: number;
  readonly smsPerNumberPerDay: number;
  /** Codes one address may ask for in a minute and in a day, whatever the numbers (a carrier NAT). */
  readonly smsPerIpPerMinute: number;
  readonly smsPerIpPerDay: number;
  readonly paymentPasswordMaxFailures: number;
  readonly paymentPasswordLockMinutes: number;
  /** Days (business dates) after an investor's risk assessment before it may be retaken. */
  readonly assessmentRetakeDays: number;
}

export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = {
  sessionTtlHours: 168,
  signInMaxFailures: 5,
  signInLockMinutes: 15,
  smsCodeTtlSeconds: 300,
  smsMaxAttempts: 5,
  smsIntervalSeconds: 60,
  smsPerNumberPerDay: 10,
  smsPerIpPerMinute: 20,
  smsPerIpPerDay: 500,
  paymentPasswordMaxFailures: 5,
  paymentPasswordLockMinutes: 180,
  assessmentRetakeDays: 30,
};

/** Mainland China mobile numbers: 11 digits starting 13-19. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
