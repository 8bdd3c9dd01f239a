import { assert } from '../kernel/index.ts';
import type { NewTransfer } from './batch-state.ts';
import {
  type CreateTransferResult,
  hasFlag,
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
