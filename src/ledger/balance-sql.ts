import { type RawBuilder, sql } from 'kysely';

/**
 * An account's posted balance (credits posted less debits posted) as a SQL expression, for a context
 * that composes it into a statement of its own (risk's one read per decision reads the wallet's
 * balance through payments, which names the account). An account that does not exist counts as zero,
 * as an account with no movements. ledger_accounts stays the ledger's: nothing else names it.
 */
export function postedBalanceSql(accountId: string): RawBuilder<bigint> {
  return sql<bigint>`coalesce((select credits_posted - debits_posted from ledger_accounts where id = ${accountId}::text), 0)::int8`;
}
