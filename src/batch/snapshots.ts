import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { CNY, formatAmount, type PlainDate } from '../kernel/index.ts';

/**
 * What a snapshot's value is: a count (a whole number), money (minor units of CNY, stored as an
 * integer), a ratio (an exact decimal), or another decimal.
 */
export type SnapshotUnit = 'count' | 'money' | 'ratio' | 'decimal';

export interface Snapshot {
  readonly metric: string;
  readonly dimension?: string;
  readonly unit: SnapshotUnit;
  /** An exact decimal: an amount in minor units, a count, a ratio. */
  readonly value: string | bigint | number;
}

/** Writes a date's figures for the dashboards; written again (a resumed step), they replace themselves. */
export async function recordSnapshots(
  trx: Executor,
  date: PlainDate,
  snapshots: readonly Snapshot[],
): Promise<number> {
  if (snapshots.length === 0) return 0;
  for (const s of snapshots)
    if ((s.unit === 'count' || s.unit === 'money') && !/^-?\d+$/.test(String(s.value)))
      throw new Error(`snapshot ${s.metric}: a ${s.unit} is a whole number, not ${String(s.value)}`);
  await sql`
    insert into daily_snapshots (business_date, metric, dimension, unit, value)
    select ${date}, m, d, u, v::numeric from unnest(${snapshots.map((s) => s.metric)}::text[], ${snapshots.map((s) => s.dimension ?? '')}::text[], ${snapshots.map((s) => s.unit)}::text[], ${snapshots.map((s) => String(s.value))}::text[]) as t(m, d, u, v)
    on conflict (business_date, metric, dimension) do update set value = excluded.value, unit = excluded.unit`.execute(
    trx,
  );
  return snapshots.length;
}

export interface SnapshotView {
  readonly businessDate: PlainDate;
  readonly metric: string;
  readonly dimension: string;
  readonly unit: SnapshotUnit;
  /** Money in major units ("162845.29"), a count as a whole number ("12"), a ratio or decimal exactly. */
  readonly value: string;
  /** The currency of money; null for anything else. */
  readonly currency: string | null;
}

/** The stored numeric(30, 6) text as what it is: "16284529.000000" of money is "162845.29". */
export function snapshotValueText(unit: SnapshotUnit, stored: string): string {
  const [whole = '0', fraction = ''] = stored.split('.');
  if (unit === 'money') return formatAmount(BigInt(whole), CNY);
  if (unit === 'count') return BigInt(whole).toString();
  // A ratio keeps at least its 4 places; any other decimal only the places it needs.
  const keep = unit === 'ratio' ? 4 : 0;
  let digits = fraction.replace(/0+$/, '');
  if (digits.length < keep) digits = digits.padEnd(keep, '0');
  return digits === '' ? whole : `${whole}.${digits}`;
}

export async function snapshotsOf(
  db: Executor,
  filter: { metric?: string; from?: PlainDate; to?: PlainDate },
): Promise<SnapshotView[]> {
  const rows = await sql<{
    business_date: PlainDate;
    metric: string;
    dimension: string;
    unit: SnapshotUnit;
    value: string;
  }>`
    select business_date, metric, dimension, unit, value::text as value from daily_snapshots
    where (${filter.metric ?? null}::text is null or metric = ${filter.metric ?? null})
      and (${filter.from ?? null}::date is null or business_date >= ${filter.from ?? null})
      and (${filter.to ?? null}::date is null or business_date <= ${filter.to ?? null})
    order by business_date, metric, dimension limit 10000`.execute(db);
  return rows.rows.map((r) => ({
    businessDate: r.business_date,
    metric: r.metric,
    dimension: r.dimension,
    unit: r.unit,
    value: snapshotValueText(r.unit, r.value),
    currency: r.unit === 'money' ? CNY.code : null,
  }));
}
