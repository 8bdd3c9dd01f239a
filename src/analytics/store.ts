import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import type { AnalyticsArea, Fact } from './area.ts';
import { decodeDimension, encodeDimension } from './dimensions.ts';

export type FactSource = 'day_close' | 'backfill';

/** Turns a fact's value into the exact decimal text stored; refuses what is not a finite exact number. */
function valueText(fact: Fact): string {
  const v = fact.value;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v))
      throw new Error(`${fact.metric}: ${v} is not a whole number; give a decimal string`);
    return String(v);
  }
  if (!/^-?\d+(\.\d+)?$/.test(v)) throw new Error(`${fact.metric}: ${JSON.stringify(v)} is not a decimal`);
  return v;
}

/**
 * Replaces an area's facts of a date with `facts`, and records the date as computed. In the caller's
 * transaction: with the day-close chunk's done mark, or with a backfill day. A fact of a metric the
 * area did not declare, or with a dimension the metric does not have, is a bug: it throws.
 */
export async function writeFacts(
  trx: Executor,
  area: AnalyticsArea,
  date: PlainDate,
  facts: readonly Fact[],
  source: FactSource,
  computedAt: Date,
): Promise<number> {
  const declared = new Map(area.metrics.map((m) => [m.name, m]));
  const rows = new Map<string, { metric: string; dimension: string; value: string }>();
  for (const fact of facts) {
    const metric = declared.get(fact.metric);
    if (!metric) throw new Error(`area ${area.name} did not declare metric ${fact.metric}`);
    for (const key of Object.keys(fact.dimension ?? {}))
      if (!metric.dimensions.includes(key)) throw new Error(`metric ${fact.metric} has no dimension ${key}`);
    const dimension = encodeDimension(fact.dimension);
    const key = `${fact.metric}\u0000${dimension}`;
    if (rows.has(key)) throw new Error(`${fact.metric} [${dimension}] given twice for ${date}`);
    rows.set(key, { metric: fact.metric, dimension, value: valueText(fact) });
  }
  await sql`delete from analytics_facts where area = ${area.name} and business_date = ${date}`.execute(trx);
  const list = [...rows.values()];
  if (list.length > 0)
    await sql`insert into analytics_facts (metric, business_date, dimension, area, value)
      select m, ${date}::date, d, ${area.name}, v::numeric
      from unnest(${list.map((r) => r.metric)}::text[], ${list.map((r) => r.dimension)}::text[], ${list.map((r) => r.value)}::text[]) as t(m, d, v)`.execute(
      trx,
    );
  await sql`insert into analytics_days (business_date, area, source, computed_at, facts)
    values (${date}, ${area.name}, ${source}, ${computedAt}, ${list.length})
    on conflict (business_date, area) do update
      set source = excluded.source, computed_at = excluded.computed_at, facts = excluded.facts`.execute(trx);
  return list.length;
}

export interface StoredFact {
  readonly metric: string;
  readonly businessDate: PlainDate;
  readonly dimension: Record<string, string>;
  /** The stored exact decimal: minor units for money. */
  readonly value: string;
}

/** The facts of some metrics over a range of dates (both ends included), in date order. */
export async function readFacts(
  db: Executor,
  query: { metrics: readonly string[]; from: PlainDate; to: PlainDate; limit?: number },
): Promise<StoredFact[]> {
  const rows = await sql<{ metric: string; business_date: PlainDate; dimension: string; value: string }>`
    select metric, business_date, dimension, value::text as value from analytics_facts
    where metric = any(${query.metrics}::text[]) and business_date between ${query.from} and ${query.to}
    order by business_date, metric, dimension limit ${query.limit ?? 100_000}`.execute(db);
  return rows.rows.map((r) => ({
    metric: r.metric,
    businessDate: r.business_date,
    dimension: decodeDimension(r.dimension),
    value: r.value,
  }));
}

/** The dates (and areas) computed so far within a range: what a backfill skips. */
export async function computedDays(
  db: Executor,
  from: PlainDate,
  to: PlainDate,
): Promise<{ businessDate: PlainDate; area: string; source: FactSource; facts: number }[]> {
  const rows = await sql<{ business_date: PlainDate; area: string; source: FactSource; facts: number }>`
    select business_date, area, source, facts from analytics_days
    where business_date between ${from} and ${to} order by business_date, area`.execute(db);
  return rows.rows.map((r) => ({
    businessDate: r.business_date,
    area: r.area,
    source: r.source,
    facts: r.facts,
  }));
}

/** The last business date whose every area is computed, or null. */
export async function latestComputedDate(db: Executor, areas: readonly string[]): Promise<PlainDate | null> {
  if (areas.length === 0) return null;
  const rows = await sql<{ business_date: PlainDate | null }>`
    select max(business_date) as business_date from (
      select business_date from analytics_days where area = any(${areas}::text[])
      group by business_date having count(distinct area) = ${areas.length}) d`.execute(db);
  return rows.rows[0]?.business_date ?? null;
}
