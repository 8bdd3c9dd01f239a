import { creditDuesAsOf } from '../../credit/index.ts';
import { cashHeldBefore } from '../../ledger/index.ts';
import { loanDuesAsOf } from '../../lending/index.ts';
import { wealthDuesAsOf } from '../../wealth/index.ts';
import type { AnalyticsArea, Fact } from '../area.ts';
import { defineMetrics } from '../metrics.ts';
import { endOfBusinessDate } from './business-day.ts';
import type { AnalyticsSources } from './sources.ts';

/** The horizons of the maturity ladder, in days after the date. */
export const LIQUIDITY_HORIZONS = [7, 30, 90] as const;

/**
 * Liquidity: what falls due to the platform and to investors within 7, 30 and 90 days of the date,
 * against the cash the platform holds at its end, and the gap between them. See docs/analytics.md
 * for what each figure counts and what a backfilled date cannot know (schedules as they stood).
 */
export function liquidityArea(_sources: AnalyticsSources): AnalyticsArea {
  return {
    name: 'liquidity',
    metrics: defineMetrics('liquidity', [
      {
        name: 'due_to_platform',
        unit: 'money',
        rollup: 'last',
        dimensions: ['horizon'],
        description:
          "What borrowers are scheduled to pay within the horizon after the date: loans' instalments (principal, interest, fee) and credit lines' statements and plan instalments not settled by the date",
      },
      {
        name: 'due_to_investors',
        unit: 'money',
        rollup: 'last',
        dimensions: ['horizon'],
        description:
          "What the platform must pay investors within the horizon: the pass-through of those loan instalments' principal and interest to note holders, fixed-term products maturing (principal and interest) and the money-market fund's redemptions not yet paid",
      },
      {
        name: 'held',
        unit: 'money',
        rollup: 'last',
        dimensions: [],
        description:
          'The platform cash at the end of the date as the ledger chart defines it: channel cash (1001) and channel clearing (1002) accounts, and the risk reserve fund (2201)',
      },
      {
        name: 'gap',
        unit: 'money',
        rollup: 'last',
        dimensions: ['horizon'],
        description: 'held + due_to_platform − due_to_investors within the horizon (negative: a shortfall)',
      },
    ]),
    async collect(trx, date) {
      const [loans, credit, wealth, cash] = [
        await loanDuesAsOf(trx, date, LIQUIDITY_HORIZONS),
        await creditDuesAsOf(trx, date, LIQUIDITY_HORIZONS),
        await wealthDuesAsOf(trx, date, LIQUIDITY_HORIZONS),
        await cashHeldBefore(trx, endOfBusinessDate(date)),
      ];
      const held = cash.channelCash + cash.channelClearing + cash.reserve;
      const facts: Fact[] = [{ metric: 'liquidity.held', value: held }];
      for (const h of LIQUIDITY_HORIZONS) {
        const horizon = { horizon: String(h) };
        const toPlatform = (loans.get(h)?.toPlatform ?? 0n) + (credit.get(h) ?? 0n);
        const toInvestors = (loans.get(h)?.toInvestors ?? 0n) + (wealth.get(h) ?? 0n);
        facts.push(
          { metric: 'liquidity.due_to_platform', dimension: horizon, value: toPlatform },
          { metric: 'liquidity.due_to_investors', dimension: horizon, value: toInvestors },
          { metric: 'liquidity.gap', dimension: horizon, value: held + toPlatform - toInvestors },
        );
      }
      return facts;
    },
  };
}
