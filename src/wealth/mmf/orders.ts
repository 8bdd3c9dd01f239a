import type { BatchStep } from '../../batch/index.ts';
import type { WealthContext } from '../context.ts';

/** The money-market fund's subscriptions, redemptions (normal and quick), liquidity and payment from the fund (issue 18: written by its owner). */
export class MoneyMarketOrders {
  constructor(readonly context: WealthContext) {}

  /** Creates the platform's own money-market fund (published) where none exists. */
  async seed(): Promise<void> {}

  /** Its day-close steps (positions in docs/wealth.md: 500-590). */
  daySteps(): BatchStep[] {
    return [];
  }
}
