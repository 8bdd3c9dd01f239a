import type { Executor } from '../db/index.ts';
import {
  CNY,
  type Currency,
  dateParts,
  formatAmount,
  fromEpochDay,
  fromParts,
  type PlainDate,
  toEpochDay,
} from '../kernel/index.ts';
import { type Dimension, matchesDimension } from './dimensions.ts';
import type { MetricDefinition, MetricUnit } from './metrics.ts';
import { readFacts } from './store.ts';

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface SeriesQuery {
  readonly metrics: readonly string[];
  readonly from: PlainDate;
  readonly to: PlainDate;
  /** Values some dimensions must have. */
  readonly filter?: Dimension;
  /** The breakdown wanted, beside the filter's keys: ['grade'] gives one line per grade. */
  readonly by?: readonly string[];
  readonly granularity?: Granularity;
}

export interface SeriesPoint {
  /** The day, or the first day of the week (Monday) or month. */
  readonly period: PlainDate;
  readonly dimension: Readonly<Record<string, string>>;
  /** Money in major units ("1234.56"); counts, ratios and days as exact decimals. */
  readonly value: string;
}

export interface Series {
  readonly metric: string;
  readonly unit: MetricUnit;
  readonly currency: string | null;
  readonly points: readonly SeriesPoint[];
}

/** The first day of the period a date falls in: itself, its week's Monday, or its month's first. */
export function periodOf(date: PlainDate, granularity: Granularity): PlainDate {
  if (granularity === 'day') return date;
  if (granularity === 'month') {
    const { year, month } = dateParts(date);
    return fromParts(year, month, 1);
  }
  // Epoch day 0 (1970-01-01) was a Thursday: Monday is 3 days before it.
  const day = toEpochDay(date);
  return fromEpochDay(day - ((((day + 3) % 7) + 7) % 7));
}

export function formatValue(unit: MetricUnit, stored: string, currency: Currency = CNY): string {
  return unit === 'money' ? formatAmount(BigInt(stored), currency) : stored;
}

/**
 * The series of some metrics over a range, by period: a flow sums its days, a stock takes the
 * period's last day present. Money is summed in minor units (bigint) and shown in major units.
 */
export async function readSeries(
  db: Executor,
  catalogue: ReadonlyMap<string, MetricDefinition>,
  query: SeriesQuery,
): Promise<Series[]> {
  const granularity = query.granularity ?? 'day';
  const facts = await readFacts(db, { metrics: query.metrics, from: query.from, to: query.to });
  return query.metrics.map((name) => {
    const metric = catalogue.get(name)!;
    const cells = new Map<
      string,
      { period: PlainDate; dimension: Record<string, string>; date: PlainDate; value: string }
    >();
    for (const fact of facts) {
      if (fact.metric !== name || !matchesDimension(fact.dimension, query.filter ?? {}, query.by)) continue;
      const period = periodOf(fact.businessDate, granularity);
      const key = `${period}|${Object.entries(fact.dimension).sort().join(';')}`;
      const cell = cells.get(key);
      if (metric.rollup === 'sum') {
        // A summed metric is a count or an amount in minor units: whole numbers, added exactly.
        if (cell) cell.value = (BigInt(cell.value) + BigInt(fact.value)).toString();
        else
          cells.set(key, { period, dimension: fact.dimension, date: fact.businessDate, value: fact.value });
      } else if (!cell || fact.businessDate > cell.date) {
        cells.set(key, { period, dimension: fact.dimension, date: fact.businessDate, value: fact.value });
      }
    }
    const points = [...cells.values()]
      .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
      .map((c) => ({ period: c.period, dimension: c.dimension, value: formatValue(metric.unit, c.value) }));
    return { metric: name, unit: metric.unit, currency: metric.unit === 'money' ? CNY.code : null, points };
  });
}
