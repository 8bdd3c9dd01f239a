/**
 * A day-close figure as GET /v1/batch/snapshots gives it: money in yuan ("3112.64") with its
 * currency, a count as a whole number ("2"), a ratio as an exact decimal.
 */
export interface Snapshot {
  businessDate: string;
  metric: string;
  dimension: string;
  unit: 'count' | 'money' | 'ratio' | 'decimal';
  value: string;
  currency: string | null;
}

/** Yuan text ("3112.64", "-0.5") as fen, exactly, to add amounts without floats. */
export function yuanToFen(value: string): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const fen = BigInt(whole || '0') * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2) || '0');
  return negative ? -fen : fen;
}

/** Fen as yuan text ("311264" → "3112.64"), without floats. */
export function fenToYuan(fen: bigint): string {
  const negative = fen < 0n;
  const digits = (negative ? -fen : fen).toString().padStart(3, '0');
  const yuan = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return negative ? `-${yuan}` : yuan;
}

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

/** The sum of a metric's values of a date over its dimensions, exactly: fen for money, a count otherwise. */
export function totalOf(items: Snapshot[], date: string | null, metric: string): bigint {
  return items
    .filter((s) => s.businessDate === date && s.metric === metric)
    .reduce((sum, s) => sum + (s.unit === 'money' ? yuanToFen(s.value) : BigInt(s.value)), 0n);
}

/** For drawing only: a series of numbers (yuan for money) by date. */
export function series(items: Snapshot[], metric: string, dimension = ''): [string, number][] {
  return items
    .filter((s) => s.metric === metric && s.dimension === dimension)
    .sort((a, b) => a.businessDate.localeCompare(b.businessDate))
    .map((s) => [s.businessDate, Number(s.value)]);
}
