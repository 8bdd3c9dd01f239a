import type { BatchStep } from '../../batch/index.ts';
import type { ComplianceDeps } from '../deps.ts';

/** Retention, consent records and a user's data export. */
export class Privacy {
  constructor(private readonly deps: ComplianceDeps) {}

  daySteps(): BatchStep[] {
    void this.deps;
    return [];
  }
}
