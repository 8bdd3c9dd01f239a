import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import type { Clock } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Payments } from '../payments/index.ts';

/** What every part of wealth works with: the database, the clock, and the contexts it builds on. */
export interface WealthContext {
  readonly db: Executor;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
}
