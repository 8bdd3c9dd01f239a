import { Decimal, formatDecimal } from '../../kernel/index.ts';
import { marketplaceDay } from '../../lending/index.ts';
import type { AnalyticsArea, Fact } from '../area.ts';
import { encodeDimension } from '../dimensions.ts';
import { defineMetrics } from '../metrics.ts';
import { breakdowns, quantile, ratioOf } from './decimals.ts';
import type { AnalyticsSources } from './sources.ts';

const WINDOW = 'in the 30 days to the date (the date and the 29 before it)';

export const MARKETPLACE_METRICS = defineMetrics('marketplace', [
  {
    name: 'listings_opened',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['grade', 'term'],
    description: 'Listings opened on the date (listed, by its time in Asia/Shanghai)',
  },
  {
    name: 'listings_filled',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['grade', 'term'],
    description: 'Listings fully funded on the date',
  },
  {
    name: 'fill_days_median',
    unit: 'days',
    rollup: 'last',
    dimensions: ['grade', 'term'],
    description: `Median days from listing to full funding of the listings filled ${WINDOW}`,
  },
  {
    name: 'fill_days_p90',
    unit: 'days',
    rollup: 'last',
    dimensions: ['grade', 'term'],
    description: `90th percentile of the days from listing to full funding of the listings filled ${WINDOW}`,
  },
  {
    name: 'investors_per_loan',
    unit: 'ratio',
    rollup: 'last',
    dimensions: [],
    description: `Average number of distinct investors in the listings filled ${WINDOW}`,
  },
  {
    name: 'invested_amount',
    unit: 'money',
    rollup: 'sum',
    dimensions: ['grade'],
    description: 'Bids posted into the loans disbursed on the date (manual and auto-invest)',
  },
  {
    name: 'invested_auto_amount',
    unit: 'money',
    rollup: 'sum',
    dimensions: ['grade'],
    description: 'The part of invested_amount placed by auto-invest',
  },
  {
    name: 'disbursed_amount',
    unit: 'money',
    rollup: 'sum',
    dimensions: ['grade', 'term'],
    description: 'Principal of the loans disbursed on the date (their start date)',
  },
  {
    name: 'disbursed_count',
    unit: 'count',
    rollup: 'sum',
    dimensions: ['grade', 'term'],
    description: 'Loans disbursed on the date',
  },
  {
    name: 'yield_weighted',
    unit: 'ratio',
    rollup: 'last',
    dimensions: ['grade'],
    description: `Principal-weighted annual rate of the loans disbursed ${WINDOW} (6 places)`,
  },
  {
    name: 'secondary_volume',
    unit: 'money',
    rollup: 'sum',
    dimensions: [],
    description:
      'Price paid for notes sold on the secondary market on the date (accrued interest not included)',
  },
  {
    name: 'secondary_trades',
    unit: 'count',
    rollup: 'sum',
    dimensions: [],
    description: 'Notes sold on the secondary market on the date',
  },
  {
    name: 'secondary_discount',
    unit: 'ratio',
    rollup: 'last',
    dimensions: [],
    description: `1 − price / principal over the notes sold ${WINDOW}, weighted by principal`,
  },
]);

const DAY_MS = new Decimal(86_400_000);

/** Sums values by metric and dimension, in the order first met. */
class Tally {
  private readonly cells = new Map<
    string,
    { metric: string; dimension: Record<string, string>; value: bigint }
  >();

  add(metric: string, dimension: Record<string, string>, value: bigint | number): void {
    const key = `${metric}\u0000${encodeDimension(dimension)}`;
    const cell = this.cells.get(key);
    if (cell) cell.value += BigInt(value);
    else this.cells.set(key, { metric, dimension, value: BigInt(value) });
  }

  /** Adds to every sub-breakdown of the dimension, the total among them. */
  addAll(metric: string, dimension: Record<string, string>, value: bigint | number): void {
    for (const d of breakdowns(dimension)) this.add(metric, d, value);
  }

  facts(): Fact[] {
    return [...this.cells.values()].map((c) => ({
      metric: c.metric,
      ...(Object.keys(c.dimension).length > 0 ? { dimension: c.dimension } : {}),
      value: c.value,
    }));
  }
}

/**
 * The marketplace: listings opened and filled, how long they took and how many investors filled
 * them, what was invested (and by auto-invest), disbursed, at what yield, and the secondary market.
 * Read through lending's index.ts (src/lending/analytics-facts.ts): every figure is dated by a
 * business-date column or a timestamp, so a past date is recomputed exactly.
 */
export function marketplaceArea(_sources: AnalyticsSources): AnalyticsArea {
  return {
    name: 'marketplace',
    metrics: MARKETPLACE_METRICS,
    async collect(trx, date) {
      const day = await marketplaceDay(trx, date);
      const tally = new Tally();
      const m = (what: string) => `marketplace.${what}`;
      // Flows: the total and every breakdown, zero where nothing happened (so a chart has its day).
      tally.add(m('listings_opened'), {}, 0);
      tally.add(m('listings_filled'), {}, 0);
      tally.add(m('disbursed_count'), {}, 0);
      tally.add(m('disbursed_amount'), {}, 0);
      tally.add(m('invested_amount'), {}, 0);
      tally.add(m('invested_auto_amount'), {}, 0);
      for (const r of day.opened)
        tally.addAll(m('listings_opened'), { grade: r.grade, term: r.term }, r.count);
      for (const r of day.filled)
        tally.addAll(m('listings_filled'), { grade: r.grade, term: r.term }, r.count);
      for (const r of day.disbursed) {
        tally.addAll(m('disbursed_count'), { grade: r.grade, term: r.term }, r.count);
        tally.addAll(m('disbursed_amount'), { grade: r.grade, term: r.term }, r.amount);
      }
      for (const r of day.invested) {
        tally.addAll(m('invested_amount'), { grade: r.grade }, r.amount);
        if (r.source === 'auto') tally.addAll(m('invested_auto_amount'), { grade: r.grade }, r.amount);
      }
      tally.add(m('secondary_trades'), {}, day.secondaryDay.trades);
      tally.add(m('secondary_volume'), {}, day.secondaryDay.price);
      const facts = tally.facts();

      // Time to fill, by every breakdown of grade and term.
      const fills = new Map<string, { dimension: Record<string, string>; days: Decimal[] }>();
      for (const f of day.filled30) {
        const days = new Decimal(f.fillMs.toString()).div(DAY_MS);
        for (const d of breakdowns({ grade: f.grade, term: f.term })) {
          const key = encodeDimension(d);
          const cell = fills.get(key) ?? { dimension: d, days: [] };
          cell.days.push(days);
          fills.set(key, cell);
        }
      }
      for (const { dimension, days } of fills.values()) {
        const dim = Object.keys(dimension).length > 0 ? { dimension } : {};
        facts.push({ metric: m('fill_days_median'), ...dim, value: quantile(days, '0.5')! });
        facts.push({ metric: m('fill_days_p90'), ...dim, value: quantile(days, '0.9')! });
      }
      const investors = ratioOf(
        day.filled30.reduce((a, f) => a + f.investors, 0),
        day.filled30.length,
      );
      if (investors !== null) facts.push({ metric: m('investors_per_loan'), value: investors });

      // Yield: Σ principal × rate / Σ principal, by grade and over all.
      let principal = 0n;
      let weighted = new Decimal(0);
      for (const g of day.disbursed30) {
        principal += g.principal;
        weighted = weighted.plus(g.weightedRate);
        const y = yieldOf(g.weightedRate, g.principal);
        if (y !== null) facts.push({ metric: m('yield_weighted'), dimension: { grade: g.grade }, value: y });
      }
      const all = yieldOf(weighted.toFixed(), principal);
      if (all !== null) facts.push({ metric: m('yield_weighted'), value: all });

      const s = day.secondary30;
      const discount = ratioOf(s.principal - s.price, s.principal);
      if (discount !== null) facts.push({ metric: m('secondary_discount'), value: discount });
      return facts;
    },
  };
}

/** A principal-weighted annual rate, to 6 places (rates are stored with 6). */
function yieldOf(weighted: string, principal: bigint): string | null {
  if (principal === 0n) return null;
  return formatDecimal(new Decimal(weighted).div(principal.toString()), 6);
}
