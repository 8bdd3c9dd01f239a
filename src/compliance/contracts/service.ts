import type { BatchStep } from '../../batch/index.ts';
import type { ComplianceDeps } from '../deps.ts';

/** Contract templates, signed PDF contracts, acceptances and the legal review queue. */
export class Contracts {
  constructor(private readonly deps: ComplianceDeps) {}

  daySteps(): BatchStep[] {
    void this.deps;
    return [];
  }
}
