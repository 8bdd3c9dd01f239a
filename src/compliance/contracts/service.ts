import type { BatchStep } from '../../batch/index.ts';
import type { Executor } from '../../db/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import type { AcceptanceInput, ContractIssue } from './model.ts';
import { wireDeals } from './wiring.ts';

/** Contract templates, signed PDF contracts, acceptances and the legal review queue. */
export class Contracts {
  constructor(private readonly deps: ComplianceDeps) {
    // Lending and credit tell compliance of their deals through hooks; see wiring.ts.
    wireDeals(deps, this);
  }

  /** Records a concluded deal's contract in the deal's transaction (the PDF is rendered after commit). */
  async issue(trx: Executor, input: ContractIssue): Promise<{ contractId: string }> {
    void trx;
    void input;
    throw new Error('not built yet');
  }

  /** Records a party's acceptance in the transaction of the action that binds it. */
  async accept(trx: Executor, input: AcceptanceInput): Promise<void> {
    void trx;
    void input;
    throw new Error('not built yet');
  }

  daySteps(): BatchStep[] {
    void this.deps;
    return [];
  }
}
