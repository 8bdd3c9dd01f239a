/*
 * Checks of an event that need no state but the rows it names: the fields an event must get right
 * on its own, how a repeated id compares with the account or transfer that holds it, and whether a
 * post or void fits its pending transfer. The state machine (state-machine.ts) applies the rest.
 */
import { assert } from '../kernel/index.ts';
import type { AccountRow, NewTransfer, PendingRow } from './batch-state.ts';
import {
  AccountFlag,
  type AccountInput,
  type CreateAccountResult,
  type CreateTransferResult,
  hasFlag,
  type PendingState,
  type Transfer,
  TransferFlag,
  type TransferInput,
} from './model.ts';

/**
 * The result for a transfer whose id is taken: `exists` only if every field matches. For a post or
 * void, `pendingOf` gives the pending transfer it resolved.
 */
export function compareExisting(
  t: TransferInput,
  flags: number,
  e: Transfer | NewTransfer,
  pendingOf: (id: string) => Transfer | NewTransfer | undefined,
): CreateTransferResult {
  // As for accounts, the linked flag describes the batch the event came in, not the transfer.
  if ((e.flags & ~TransferFlag.linked) !== (flags & ~TransferFlag.linked))
    return 'exists_with_different_flags';
  if ((e.pendingId ?? '') !== (t.pendingId ?? '')) return 'exists_with_different_pending_id';
  if (e.timeoutSeconds !== (t.timeoutSeconds ?? 0)) return 'exists_with_different_timeout';
  const postOrVoid =
    hasFlag(flags, TransferFlag.postPendingTransfer) || hasFlag(flags, TransferFlag.voidPendingTransfer);
  if (!postOrVoid) {
    if (e.debitAccountId !== (t.debitAccountId ?? '')) return 'exists_with_different_debit_account_id';
    if (e.creditAccountId !== (t.creditAccountId ?? '')) return 'exists_with_different_credit_account_id';
    const balancing =
      hasFlag(flags, TransferFlag.balancingDebit) || hasFlag(flags, TransferFlag.balancingCredit);
    // A balancing amount is an upper bound: asking again for at least what moved is the same request.
    const differs = balancing ? t.amount !== 0n && t.amount < e.amount : t.amount !== e.amount;
    if (differs) return 'exists_with_different_amount';
    if (e.userData !== (t.userData ?? null)) return 'exists_with_different_user_data';
    if (e.ledger !== (t.ledger ?? '')) return 'exists_with_different_ledger';
    if (e.code !== (t.code ?? 0)) return 'exists_with_different_code';
    return 'exists';
  }
  const p = pendingOf(e.pendingId ?? '');
  assert(p, `the pending transfer of ${e.id} must be loaded`);
  if ((t.debitAccountId ?? '') !== '' && t.debitAccountId !== e.debitAccountId) {
    return 'exists_with_different_debit_account_id';
  }
  if ((t.creditAccountId ?? '') !== '' && t.creditAccountId !== e.creditAccountId) {
    return 'exists_with_different_credit_account_id';
  }
  const asked = t.amount === 0n ? p.amount : t.amount;
  if (asked !== e.amount) return 'exists_with_different_amount';
  if ((t.userData ?? p.userData) !== e.userData) return 'exists_with_different_user_data';
  if ((t.ledger ?? '') !== '' && t.ledger !== e.ledger) return 'exists_with_different_ledger';
  if ((t.code ?? 0) !== 0 && t.code !== e.code) return 'exists_with_different_code';
  return 'exists';
}

/** What a post or void must get right on its own, before its pending transfer is looked up. */
export function checkPostOrVoidFields(
  t: TransferInput,
  flags: number,
  post: boolean,
): CreateTransferResult | null {
  const exclusive =
    TransferFlag.pending |
    TransferFlag.balancingDebit |
    TransferFlag.balancingCredit |
    TransferFlag.closingDebit |
    TransferFlag.closingCredit;
  if ((post && hasFlag(flags, TransferFlag.voidPendingTransfer)) || (flags & exclusive) !== 0) {
    return 'flags_are_mutually_exclusive';
  }
  const pendingId = t.pendingId ?? '';
  if (pendingId === '') return 'pending_id_must_not_be_empty';
  if (pendingId === t.id) return 'pending_id_must_be_different';
  if ((t.timeoutSeconds ?? 0) !== 0) return 'timeout_reserved_for_pending_transfer';
  return null;
}

/** Whether a post or void fits the transfer it names: a pending one, with the same fields, and the amount. */
export function checkAgainstPending(
  t: TransferInput,
  p: Transfer | NewTransfer,
  post: boolean,
): CreateTransferResult | null {
  if (!hasFlag(p.flags, TransferFlag.pending)) return 'pending_transfer_not_pending';
  if ((t.debitAccountId ?? '') !== '' && t.debitAccountId !== p.debitAccountId) {
    return 'pending_transfer_has_different_debit_account_id';
  }
  if ((t.creditAccountId ?? '') !== '' && t.creditAccountId !== p.creditAccountId) {
    return 'pending_transfer_has_different_credit_account_id';
  }
  if ((t.ledger ?? '') !== '' && t.ledger !== p.ledger) return 'pending_transfer_has_different_ledger';
  if ((t.code ?? 0) !== 0 && t.code !== p.code) return 'pending_transfer_has_different_code';
  const amount = t.amount === 0n ? p.amount : t.amount;
  if (amount > p.amount) return 'exceeds_pending_transfer_amount';
  if (!post && amount < p.amount) return 'pending_transfer_has_different_amount';
  return null;
}

/** What a new transfer (not a post or void) must get right on its own, before its accounts are looked up. */
export function checkNewTransferFields(t: TransferInput, flags: number): CreateTransferResult | null {
  const debitId = t.debitAccountId ?? '';
  const creditId = t.creditAccountId ?? '';
  if (debitId === '') return 'debit_account_id_must_not_be_empty';
  if (creditId === '') return 'credit_account_id_must_not_be_empty';
  if (debitId === creditId) return 'accounts_must_be_different';
  if ((t.pendingId ?? '') !== '') return 'pending_id_must_be_empty';
  if (!hasFlag(flags, TransferFlag.pending)) {
    if ((t.timeoutSeconds ?? 0) !== 0) return 'timeout_reserved_for_pending_transfer';
    if (hasFlag(flags, TransferFlag.closingDebit) || hasFlag(flags, TransferFlag.closingCredit)) {
      return 'closing_transfer_must_be_pending';
    }
  }
  if ((t.ledger ?? '') === '') return 'ledger_must_not_be_empty';
  if ((t.code ?? 0) === 0) return 'code_must_not_be_zero';
  const balancing =
    hasFlag(flags, TransferFlag.balancingDebit) || hasFlag(flags, TransferFlag.balancingCredit);
  if (t.amount === 0n && !balancing) return 'amount_must_not_be_zero';
  return null;
}

/** The result for an account whose id is taken: `exists` only if every field matches. */
export function compareExistingAccount(input: AccountInput, existing: AccountRow): CreateAccountResult {
  // The linked flag belongs to the event, not the account, so it is left out of the comparison.
  if ((existing.flags & ~AccountFlag.linked) !== ((input.flags ?? 0) & ~AccountFlag.linked))
    return 'exists_with_different_flags';
  if (existing.userData !== (input.userData ?? null)) return 'exists_with_different_user_data';
  if (existing.ledger !== input.ledger) return 'exists_with_different_ledger';
  if (existing.code !== input.code) return 'exists_with_different_code';
  return 'exists';
}

/** What a new account must get right. */
export function checkNewAccountFields(input: AccountInput): CreateAccountResult | null {
  const flags = input.flags ?? 0;
  if (
    hasFlag(flags, AccountFlag.debitsMustNotExceedCredits) &&
    hasFlag(flags, AccountFlag.creditsMustNotExceedDebits)
  ) {
    return 'flags_are_mutually_exclusive';
  }
  if (input.ledger === '') return 'ledger_must_not_be_empty';
  if (input.code === 0) return 'code_must_not_be_zero';
  return null;
}

const PENDING_STATE_RESULT: Record<Exclude<PendingState, 'pending'>, CreateTransferResult> = {
  posted: 'pending_transfer_already_posted',
  voided: 'pending_transfer_already_voided',
  expired: 'pending_transfer_expired',
};

/** Whether a pending transfer can still be posted or voided at `nowMs`. */
export function checkStillPending(state: PendingRow, nowMs: number): CreateTransferResult | null {
  if (state.state !== 'pending') return PENDING_STATE_RESULT[state.state];
  if (state.expiresAtMs !== null && state.expiresAtMs <= nowMs) return 'pending_transfer_expired';
  return null;
}
