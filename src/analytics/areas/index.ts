import type { AnalyticsArea } from '../area.ts';
import { disclosureArea } from './disclosure.ts';
import { liquidityArea } from './liquidity.ts';
import { marketplaceArea } from './marketplace.ts';
import { riskArea } from './risk.ts';
import type { AnalyticsSources } from './sources.ts';
import { usersArea } from './users.ts';

/**
 * The areas the platform computes, in the order their chunks are planned. Each area is a file of its
 * own here; it reads the contexts it needs from `sources`.
 */
export function platformAreas(sources: AnalyticsSources): AnalyticsArea[] {
  return [
    usersArea(sources),
    marketplaceArea(sources),
    riskArea(sources),
    liquidityArea(sources),
    disclosureArea(sources),
  ];
}
