import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import type { Clock } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';

/**
 * What the CRM works with. `db` is the primary (the day-close writes the portraits there); `readDb`
 * is where lists and summaries read (a replica when one is configured). The other contexts are read
 * through their index.ts: identity, payments, lending, credit and wealth by their crm-*.ts readers,
 * and the ledger for balances and income.
 */
export interface CrmContext {
  readonly db: Executor;
  readonly readDb: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  readonly ledger: Ledger;
  /** Where the day-close steps' warnings go (console.warn when not given). */
  readonly log?: ((line: string) => void) | undefined;
}
