import type { BatchStep } from '../../batch/index.ts';
import type { ComplianceDeps } from '../deps.ts';

/** Anti-money-laundering rules, alerts and cases. */
export class Aml {
  constructor(private readonly deps: ComplianceDeps) {}

  daySteps(): BatchStep[] {
    void this.deps;
    return [];
  }
}
