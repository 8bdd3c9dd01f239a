import type { BatchStep } from '../../batch/index.ts';
import type { WealthContext } from '../context.ts';

/** Distributed mutual funds: NAVs, fees, subscriptions and redemptions at the unknown price, holdings at market value (issue 18: written by its owner). */
export class FundDistribution {
  constructor(readonly context: WealthContext) {}

  /** Its day-close steps (positions in docs/wealth.md: 500-590). */
  daySteps(): BatchStep[] {
    return [];
  }
}
