import type { Executor } from '../db/index.ts';
import { postedDebitsByCode } from '../ledger/index.ts';
import { TransferCode, walletAccountId } from './accounts.ts';

/**
 * The wallet movements that are the platform's revenue from a customer (crm's "revenue to date",
 * issue 20): the withdrawal fee, a loan's fee and penalty repayments, the note sale fee and the
 * prepayment fee (lending's codes by number, as statement-kinds.ts names them). Interest a borrower
 * pays goes to investors, not the platform, and is not counted; nor is credit-line income yet.
 */
export const REVENUE_CODES: readonly number[] = [TransferCode.withdrawalFee, 211, 212, 223, 224];

/** The fees each of these customers' wallets paid the platform, to date. Users who paid none are absent. */
export async function feesPaidBy(db: Executor, userIds: readonly string[]): Promise<Map<string, bigint>> {
  const byAccount = await postedDebitsByCode(db, userIds.map(walletAccountId), REVENUE_CODES);
  const out = new Map<string, bigint>();
  for (const userId of userIds) {
    const amount = byAccount.get(walletAccountId(userId));
    if (amount !== undefined) out.set(userId, amount);
  }
  return out;
}
