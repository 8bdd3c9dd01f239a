import type { BatchStep } from '../../batch/index.ts';
import type { ComplianceDeps } from '../deps.ts';

/** Watch lists and name screening. */
export class Screening {
  constructor(private readonly deps: ComplianceDeps) {}

  daySteps(): BatchStep[] {
    void this.deps;
    return [];
  }
}
