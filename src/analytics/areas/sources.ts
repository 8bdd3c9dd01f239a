import type { Collections } from '../../collections/index.ts';
import type { Credit } from '../../credit/index.ts';
import type { Identity } from '../../identity/index.ts';
import type { Ledger } from '../../ledger/index.ts';
import type { Lending } from '../../lending/index.ts';
import type { Payments } from '../../payments/index.ts';
import type { Risk } from '../../risk/index.ts';
import type { Wealth } from '../../wealth/index.ts';

/** The contexts analytics reads, each through its own index.ts: analytics sits above all of them. */
export interface AnalyticsSources {
  readonly ledger: Ledger;
  readonly identity: Identity;
  readonly payments: Payments;
  readonly risk: Risk;
  readonly lending: Lending;
  readonly credit: Credit;
  readonly collections: Collections;
  readonly wealth: Wealth;
}
