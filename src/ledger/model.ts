/**
 * The ledger's data model, after TigerBeetle (reference/account.md, reference/transfer.md): accounts
 * with four balances and flags, transfers between two accounts of one ledger, two-phase (pending)
 * transfers that are posted, voided or expire, and linked chains that apply all-or-nothing.
 *
 * A ledger is a currency, named by its ISO code ("CNY"); amounts are bigint minor units of it.
 * Flags are bit sets with TigerBeetle's bit positions.
 */
export const AccountFlag = {
  linked: 1 << 0,
  debitsMustNotExceedCredits: 1 << 1,
  creditsMustNotExceedDebits: 1 << 2,
  history: 1 << 3,
  closed: 1 << 5,
} as const;
export type AccountFlagName = keyof typeof AccountFlag;
export const ACCOUNT_FLAG_NAMES = Object.keys(AccountFlag) as AccountFlagName[];
export const ACCOUNT_FLAGS_MASK = Object.values(AccountFlag).reduce((a, b) => a | b, 0);

export const TransferFlag = {
  linked: 1 << 0,
  pending: 1 << 1,
  postPendingTransfer: 1 << 2,
  voidPendingTransfer: 1 << 3,
  balancingDebit: 1 << 4,
  balancingCredit: 1 << 5,
  closingDebit: 1 << 6,
  closingCredit: 1 << 7,
} as const;
export type TransferFlagName = keyof typeof TransferFlag;
export const TRANSFER_FLAG_NAMES = Object.keys(TransferFlag) as TransferFlagName[];
export const TRANSFER_FLAGS_MASK = Object.values(TransferFlag).reduce((a, b) => a | b, 0);

/** Ids are client-chosen: 1-64 of [A-Za-z0-9_:.-]. A transfer's id is its idempotency key. */
export const ID_PATTERN = /^[A-Za-z0-9_:.-]{1,64}$/;
export const MAX_BATCH_SIZE = 8190;
export const MAX_TIMEOUT_SECONDS = 2_147_483_647;

export interface AccountInput {
  readonly id: string;
  readonly ledger: string;
  /** The account type in the chart of accounts, 1-65535. */
  readonly code: number;
  readonly userData?: string | null;
  readonly flags?: number;
}

export interface Account {
  readonly id: string;
  readonly ledger: string;
  readonly code: number;
  readonly userData: string | null;
  readonly flags: number;
  readonly debitsPending: bigint;
  readonly debitsPosted: bigint;
  readonly creditsPending: bigint;
  readonly creditsPosted: bigint;
  readonly timestamp: bigint;
  readonly createdAt: Date;
}

/**
 * A transfer to create. For a post or void of a pending transfer, the accounts, ledger and code may
 * be left empty ('' / 0) to inherit the pending transfer's, and amount 0 means its full amount.
 * For a balancing transfer, amount 0 means "as much as the limits allow".
 */
export interface TransferInput {
  readonly id: string;
  readonly debitAccountId?: string;
  readonly creditAccountId?: string;
  readonly amount: bigint;
  readonly ledger?: string;
  readonly code?: number;
  readonly userData?: string | null;
  readonly pendingId?: string;
  readonly timeoutSeconds?: number;
  readonly flags?: number;
}

export interface Transfer {
  readonly id: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amount: bigint;
  readonly pendingId: string | null;
  readonly ledger: string;
  readonly code: number;
  readonly userData: string | null;
  readonly flags: number;
  readonly timeoutSeconds: number;
  readonly timestamp: bigint;
  readonly createdAt: Date;
}

export type PendingState = 'pending' | 'posted' | 'voided' | 'expired';

export const CREATE_ACCOUNT_RESULTS = [
  'ok',
  'linked_event_failed',
  'linked_event_chain_open',
  'id_must_not_be_empty',
  'exists_with_different_flags',
  'exists_with_different_user_data',
  'exists_with_different_ledger',
  'exists_with_different_code',
  'exists',
  'flags_are_mutually_exclusive',
  'ledger_must_not_be_empty',
  'code_must_not_be_zero',
] as const;
export type CreateAccountResult = (typeof CREATE_ACCOUNT_RESULTS)[number];

/** Transfer results, in the order the checks run (TigerBeetle's precedence). */
export const CREATE_TRANSFER_RESULTS = [
  'ok',
  'linked_event_failed',
  'linked_event_chain_open',
  'id_must_not_be_empty',
  'exists_with_different_flags',
  'exists_with_different_pending_id',
  'exists_with_different_timeout',
  'exists_with_different_debit_account_id',
  'exists_with_different_credit_account_id',
  'exists_with_different_amount',
  'exists_with_different_user_data',
  'exists_with_different_ledger',
  'exists_with_different_code',
  'exists',
  'flags_are_mutually_exclusive',
  'debit_account_id_must_not_be_empty',
  'credit_account_id_must_not_be_empty',
  'accounts_must_be_different',
  'pending_id_must_be_empty',
  'pending_id_must_not_be_empty',
  'pending_id_must_be_different',
  'timeout_reserved_for_pending_transfer',
  'closing_transfer_must_be_pending',
  'ledger_must_not_be_empty',
  'code_must_not_be_zero',
  'amount_must_not_be_zero',
  'debit_account_not_found',
  'credit_account_not_found',
  'accounts_must_have_the_same_ledger',
  'transfer_must_have_the_same_ledger_as_accounts',
  'pending_transfer_not_found',
  'pending_transfer_not_pending',
  'pending_transfer_has_different_debit_account_id',
  'pending_transfer_has_different_credit_account_id',
  'pending_transfer_has_different_ledger',
  'pending_transfer_has_different_code',
  'exceeds_pending_transfer_amount',
  'pending_transfer_has_different_amount',
  'pending_transfer_already_posted',
  'pending_transfer_already_voided',
  'pending_transfer_expired',
  'account_closed',
  'overflows_debits_pending',
  'overflows_credits_pending',
  'overflows_debits_posted',
  'overflows_credits_posted',
  'overflows_debits',
  'overflows_credits',
  'exceeds_credits',
  'exceeds_debits',
] as const;
export type CreateTransferResult = (typeof CREATE_TRANSFER_RESULTS)[number];

/**
 * Whether a transfer was refused because an account's totals would pass the int8 range. An amount
 * a person sent can cause it (on an account that already holds nearly that much): callers turn it
 * into their business error rather than treat it as a bug.
 */
export function isOverflow(result: CreateTransferResult): boolean {
  return result.startsWith('overflows_');
}

export interface AccountEventResult {
  readonly id: string;
  readonly result: CreateAccountResult;
  readonly timestamp?: bigint;
}

export interface TransferEventResult {
  readonly id: string;
  readonly result: CreateTransferResult;
  /** Set when the result is ok. */
  readonly timestamp?: bigint;
  /** What actually moved: less than asked for a balancing transfer, the posted part of a partial post. */
  readonly amount?: bigint;
}

export function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) !== 0;
}

export function flagsFromNames<N extends string>(
  table: Record<N, number>,
  names: Partial<Record<N, boolean>> | undefined,
): number {
  let flags = 0;
  if (!names) return flags;
  for (const [name, on] of Object.entries(names) as [N, boolean | undefined][]) if (on) flags |= table[name];
  return flags;
}

export function flagsToNames<N extends string>(table: Record<N, number>, flags: number): Record<N, boolean> {
  const out = {} as Record<N, boolean>;
  for (const name of Object.keys(table) as N[]) out[name] = (flags & table[name]) !== 0;
  return out;
}
