import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import type { Clock } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Payments } from '../payments/index.ts';
import type { Risk } from '../risk/index.ts';
import type { CrowdfundingSettings } from './settings.ts';

/** What every part of crowdfunding works with: the database, the clock, and the contexts below it. */
export interface CrowdfundingContext {
  readonly db: Executor;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
  readonly risk: Risk;
  readonly settings: CrowdfundingSettings;
}
