/**
 * What a metric is: its name ("<area>.<what>"), the unit of its value, the dimensions it is broken
 * down by, and how a range of days rolls up (a flow, such as sign-ups, sums; a stock, such as the
 * outstanding principal, is read at the range's last day). Each area declares its metrics once; the
 * store refuses a fact of an undeclared metric or dimension, so a typo cannot start a new series.
 */
export const METRIC_UNITS = ['count', 'money', 'ratio', 'days'] as const;
/**
 * - count: a whole number (users, loans).
 * - money: an amount in minor units of the platform's currency (CNY); the API shows it as a decimal
 *   string in major units ("1234.56"), as every amount elsewhere.
 * - ratio: an exact decimal, 0 to 1 for shares (4 decimal places unless stated).
 * - days: a number of days, an exact decimal (a median may fall between two whole days).
 */
export type MetricUnit = (typeof METRIC_UNITS)[number];

export type Rollup = 'sum' | 'last';

export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly rollup: Rollup;
  /** The dimensions a fact of this metric may carry; a fact carries some or none of them. */
  readonly dimensions: readonly string[];
  /** One sentence: what is counted, and as of when. */
  readonly description: string;
}

const NAME = /^[a-z]+\.[a-z][a-z0-9_]*$/;
const DIMENSION = /^[a-z][a-z0-9_]*$/;

/** An area's metrics, their names completed with the area's ("signups" becomes "users.signups") and checked. */
export function defineMetrics(area: string, metrics: readonly MetricDefinition[]): MetricDefinition[] {
  const seen = new Set<string>();
  return metrics.map((m) => {
    const name = m.name.includes('.') ? m.name : `${area}.${m.name}`;
    if (!NAME.test(name) || !name.startsWith(`${area}.`))
      throw new Error(`a metric of area ${area} is named "${area}.<what>": ${name}`);
    if (seen.has(name)) throw new Error(`metric declared twice: ${name}`);
    seen.add(name);
    if (m.rollup === 'sum' && m.unit !== 'count' && m.unit !== 'money')
      throw new Error(
        `metric ${name}: only counts and amounts are summed over days; a ${m.unit} is read at the day`,
      );
    for (const d of m.dimensions)
      if (!DIMENSION.test(d)) throw new Error(`metric ${name}: bad dimension name ${d}`);
    return { ...m, name };
  });
}
