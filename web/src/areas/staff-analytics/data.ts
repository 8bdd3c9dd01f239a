import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api } from '../../api.ts';

/** What `GET /v1/analytics/metrics` says of a metric. */
export interface MetricInfo {
  readonly name: string;
  readonly unit: 'count' | 'money' | 'ratio' | 'days';
  readonly rollup: 'sum' | 'last';
  readonly dimensions: readonly string[];
  readonly description: string;
}

export interface Catalogue {
  readonly latestDate: string | null;
  readonly items: readonly MetricInfo[];
}

export interface SeriesPoint {
  readonly period: string;
  readonly dimension: Readonly<Record<string, string>>;
  /** Money in major units ("1234.56"), counts, ratios and days as exact decimals. */
  readonly value: string;
}

export interface Series {
  readonly metric: string;
  readonly unit: MetricInfo['unit'];
  readonly currency: string | null;
  readonly points: readonly SeriesPoint[];
}

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
/** The filters a page offers, where a chart's metrics have the dimension. */
export const FILTER_KEYS = ['product', 'grade', 'channel', 'region'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const PRESETS = ['30', '90', '365'] as const;

export function useCatalogue() {
  return useQuery({
    queryKey: ['analytics', 'metrics'],
    queryFn: () => api.get<Catalogue>('/v1/analytics/metrics'),
  });
}

/** A date 'YYYY-MM-DD' moved by whole days (UTC arithmetic on a calendar date). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The page's choices, kept in the address so that a view can be linked: range, granularity, filters. */
export interface View {
  readonly preset: (typeof PRESETS)[number] | 'custom';
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly filters: Partial<Record<FilterKey, string>>;
}

export function useView(latestDate: string | null | undefined) {
  const [params, setParams] = useSearchParams();
  const last = latestDate ?? new Date().toISOString().slice(0, 10);
  const asked = params.get('range');
  const preset =
    asked === 'custom' || (PRESETS as readonly string[]).includes(asked ?? '')
      ? (asked as View['preset'])
      : '30';
  const to = preset === 'custom' ? (params.get('to') ?? last) : last;
  const from =
    preset === 'custom' ? (params.get('from') ?? addDays(to, -29)) : addDays(last, 1 - Number(preset));
  const g = params.get('granularity');
  const granularity: Granularity = (GRANULARITIES as readonly string[]).includes(g ?? '')
    ? (g as Granularity)
    : 'day';
  const filters: Partial<Record<FilterKey, string>> = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  const view: View = { preset, from, to, granularity, filters };
  const change = (changes: Record<string, string | undefined>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value === undefined || value === '') next.delete(key);
          else next.set(key, value);
        }
        return next;
      },
      { replace: true },
    );
  return { view, change };
}

/** What one chart asks of the series endpoint. */
export interface SeriesRequest {
  readonly metrics: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly filter?: Readonly<Record<string, string>>;
  readonly by?: readonly string[];
}

export function seriesQuery(request: SeriesRequest): Record<string, string> {
  const query: Record<string, string> = {
    metrics: request.metrics.join(','),
    from: request.from,
    to: request.to,
    granularity: request.granularity,
  };
  const filter = Object.entries(request.filter ?? {})
    .map(([k, v]) => `${k}:${v}`)
    .join(',');
  if (filter) query.filter = filter;
  if (request.by && request.by.length > 0) query.by = request.by.join(',');
  return query;
}

/** The CSV of the same series (the session cookie goes with the link). */
export function csvHref(request: SeriesRequest): string {
  return `/v1/analytics/series?${new URLSearchParams({ ...seriesQuery(request), format: 'csv' }).toString()}`;
}

export function useSeries(request: SeriesRequest | undefined) {
  return useQuery({
    queryKey: ['analytics', 'series', request],
    queryFn: () =>
      api.get<{ from: string; to: string; items: Series[] }>('/v1/analytics/series', seriesQuery(request!)),
    enabled: request !== undefined && request.metrics.length > 0,
  });
}

/** A dimension as one key ("grade=A;term=12"), keys sorted, '' for the total. */
export function dimensionKey(dimension: Readonly<Record<string, string>>): string {
  return Object.keys(dimension)
    .sort()
    .map((k) => `${k}=${dimension[k]}`)
    .join(';');
}

/** Each dimension's latest point in the range (a stock read at its last day). */
export function latestByDimension(series: Series | undefined): Map<string, SeriesPoint> {
  const out = new Map<string, SeriesPoint>();
  for (const point of series?.points ?? []) {
    const key = dimensionKey(point.dimension);
    const seen = out.get(key);
    if (!seen || point.period >= seen.period) out.set(key, point);
  }
  return out;
}

/**
 * A share of two whole counts as a rate text for formatRate ("0.4567"): exact, by BigInt, to 4
 * places (cut). Display only.
 */
export function shareOf(part: string, whole: string): string | null {
  if (!/^\d+$/.test(part) || !/^\d+$/.test(whole) || BigInt(whole) === 0n) return null;
  const scaled = (BigInt(part) * 10000n) / BigInt(whole);
  return `${scaled / 10000n}.${String(scaled % 10000n).padStart(4, '0')}`;
}

/** Major-unit money text into minor units (exact; at most `digits` places are kept). */
function toMinor(amount: string, digits: number): bigint {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? amount.slice(1) : amount).split('.');
  const minor = BigInt(whole + fraction.padEnd(digits, '0').slice(0, digits));
  return negative ? -minor : minor;
}

/** An amount divided by a count (average order value), exact to the minor unit (cut). */
export function amountPer(amount: string, count: string, digits = 2): string | null {
  if (!/^\d+$/.test(count) || BigInt(count) === 0n) return null;
  const minor = toMinor(amount, digits) / BigInt(count);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${major}` : major;
}
