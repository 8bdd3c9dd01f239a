import type { Credit } from '../credit/index.ts';
import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import type { Clock } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Lending } from '../lending/index.ts';
import type { Payments } from '../payments/index.ts';
import type { Risk } from '../risk/index.ts';

/**
 * What compliance works with. It sits above the business contexts: it reads them through their
 * index.ts and hears of their deals through the hooks they offer; none of them knows compliance.
 */
export interface ComplianceDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  readonly ledger: Ledger;
  readonly payments: Payments;
  readonly risk: Risk;
  readonly lending: Lending;
  readonly credit: Credit;
}
