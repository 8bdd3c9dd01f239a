import type { BatchStep } from '../../batch/index.ts';
import type { WealthContext } from '../context.ts';

/** Fixed-term products: raising, value date, maturity, cancellation, early redemption (issue 18: written by its owner). */
export class FixedTerm {
  constructor(readonly context: WealthContext) {}

  /** Its day-close steps (positions in docs/wealth.md: 500-590). */
  daySteps(): BatchStep[] {
    return [];
  }
}
