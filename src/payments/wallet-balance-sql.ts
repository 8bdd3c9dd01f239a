import type { RawBuilder } from 'kysely';
import { postedBalanceSql } from '../ledger/index.ts';
import { walletAccountId } from './accounts.ts';

/**
 * A user's wallet balance, minor units, as a SQL expression (what `Payments.wallet(userId).balance`
 * reads): for a context that reads it inside a statement of its own, as risk does in its one read per
 * decision. No wallet yet is a balance of zero.
 */
export function walletBalanceSql(userId: string): RawBuilder<bigint> {
  return postedBalanceSql(walletAccountId(userId));
}
