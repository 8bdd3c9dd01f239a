/** Risk control: decisions on decision graphs (ZEN), scorecards, pricing and limits, manual review. */

export { type DecisionCount, decisionsOn } from './analytics-facts.ts';
export { NO_CONSENT, noConsentReason, type SourceConsentSql } from './consent.ts';
export {
  decisionsForExport,
  deleteSourceCacheBefore,
  stripSourceResponsesBefore,
} from './data-protection.ts';
export type { CreditApplication, Decision } from './decide.ts';
export { declaredIncomes, sharedDevices } from './declared-income.ts';
export { DEFAULT_GRAPH_NAME, defaultGraph } from './default-graph.ts';
export type { GraphStatus, GraphVersion } from './graphs.ts';
export { LINE_GRAPH_NAME, lineGraph } from './line-graph.ts';
export { type ReviewedTerms, reviewedTerms } from './reviewed-terms.ts';
export type { Review, ReviewListener, ReviewOutcome, ReviewStatus } from './reviews.ts';
export * as scorecard from './scorecard/index.ts';
export { Risk, type RiskObserver, type RiskOptions } from './service.ts';
export { DEFAULT_POLICY, type PolicySettings } from './settings.ts';
export type { SimulationReport } from './simulate.ts';
