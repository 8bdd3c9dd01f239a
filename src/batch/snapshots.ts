import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

export interface Snapshot {
  readonly metric: string;
  readonly dimension?: string;
  /** An exact decimal (an amount in minor units, a count, a ratio). */
  readonly value: string | bigint | number;
}

/** Writes a date's figures for the dashboards; written again (a resumed step), they replace themselves. */
export async function recordSnapshots(
  trx: Executor,
  date: PlainDate,
  snapshots: readonly Snapshot[],
): Promise<number> {
  if (snapshots.length === 0) return 0;
  await sql`
    insert into daily_snapshots (business_date, metric, dimension, value)
    select ${date}, m, d, v::numeric from unnest(${snapshots.map((s) => s.metric)}::text[], ${snapshots.map((s) => s.dimension ?? '')}::text[], ${snapshots.map((s) => String(s.value))}::text[]) as t(m, d, v)
    on conflict (business_date, metric, dimension) do update set value = excluded.value`.execute(trx);
  return snapshots.length;
}

export async function snapshotsOf(
  db: Executor,
  filter: { metric?: string; from?: PlainDate; to?: PlainDate },
): Promise<{ businessDate: PlainDate; metric: string; dimension: string; value: string }[]> {
  const rows = await sql<{ business_date: PlainDate; metric: string; dimension: string; value: string }>`
    select business_date, metric, dimension, value::text as value from daily_snapshots
    where (${filter.metric ?? null}::text is null or metric = ${filter.metric ?? null})
      and (${filter.from ?? null}::date is null or business_date >= ${filter.from ?? null})
      and (${filter.to ?? null}::date is null or business_date <= ${filter.to ?? null})
    order by business_date, metric, dimension limit 10000`.execute(db);
  return rows.rows.map((r) => ({
    businessDate: r.business_date,
    metric: r.metric,
    dimension: r.dimension,
    value: r.value,
  }));
}
