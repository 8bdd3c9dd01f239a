import type { BatchStep } from '../../batch/index.ts';
import type { WealthContext } from '../context.ts';

/** The money-market fund's daily income per 10,000 units, its crediting to holders, the 7-day yield, statements (issue 18: written by its owner). */
export class MoneyMarketIncome {
  constructor(readonly context: WealthContext) {}

  /** Its day-close steps (positions in docs/wealth.md: 500-590). */
  daySteps(): BatchStep[] {
    return [];
  }
}
