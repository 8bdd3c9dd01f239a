export interface Snapshot {
  businessDate: string;
  metric: string;
  dimension: string;
  value: string;
}

/** A snapshot's money value is in fen as decimal text ("311264.000000"): yuan text, without floats. */
export function fenToYuan(value: string): string {
  const whole = value.split('.')[0] ?? '0';
  const negative = whole.startsWith('-');
  const digits = (negative ? whole.slice(1) : whole).padStart(3, '0');
  const yuan = `${digits.slice(0, -2).replace(/^0+(?=\d)/, '')}.${digits.slice(-2)}`;
  return negative ? `-${yuan}` : yuan;
}

/** A count as whole-number text ("2.000000" → "2"). */
export const countText = (value: string) => value.split('.')[0] ?? '0';

export const BUCKETS = ['current', 'M1', 'M2', 'M3', 'M3+'] as const;

export function latestDate(items: Snapshot[]): string | null {
  return items.reduce<string | null>(
    (max, s) => (max === null || s.businessDate > max ? s.businessDate : max),
    null,
  );
}

export function snapshotValue(
  items: Snapshot[],
  date: string | null,
  metric: string,
  dimension = '',
): string | null {
  return (
    items.find((s) => s.businessDate === date && s.metric === metric && s.dimension === dimension)?.value ??
    null
  );
}

/** For drawing only: a series of numbers by date. */
export function series(items: Snapshot[], metric: string, dimension = '', scale = 1): [string, number][] {
  return items
    .filter((s) => s.metric === metric && s.dimension === dimension)
    .sort((a, b) => a.businessDate.localeCompare(b.businessDate))
    .map((s) => [s.businessDate, Number(s.value) / scale]);
}
