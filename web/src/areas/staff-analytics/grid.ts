import type { EChartsOption } from 'echarts';
import { formatDate } from '../../i18n/index.ts';
import { formatDecimal, formatMoney, formatRate } from '../../money.ts';
import { regionName } from '../../regions.ts';
import {
  amountPer,
  dimensionKey,
  type Granularity,
  latestByDimension,
  type MetricInfo,
  type Series,
  shareOf,
} from './data.ts';

type Translate = (key: string, options?: Record<string, unknown>) => string;
export type Unit = MetricInfo['unit'];

/**
 * What a chart shows. Every kind becomes a grid of exact figures (rows × columns), which is both the
 * chart's data and its accessible table.
 * - time: a line or bars per metric (and per value of `by`) by period;
 * - latest: each value of `by` at the range's last day (bars by province, bucket, horizon);
 * - funnel: the metrics' latest totals in order, with the conversion at each step;
 * - heat: a metric's latest value by two dimensions (rows × columns), optionally divided by another
 *   metric of the row (retention: retained / cohort size);
 * - average: amount metrics divided by their count metrics, by period (average order value).
 */
export type ChartSpec = {
  readonly id: string;
  /** The title's key under charts. */
  readonly title: string;
  readonly metrics: readonly string[];
  readonly by?: readonly string[];
  /** A list behind a row (a bucket's collection cases), when the user may open one. */
  readonly rowLink?: (row: string) => string | undefined;
  /** A list behind one figure (the loans of a grade disbursed in a period), when the user may open one. */
  readonly cellLink?: (cell: CellRef) => string | undefined;
  readonly wide?: boolean;
} & (
  | { readonly kind: 'time'; readonly chart: 'line' | 'bar' | 'stacked' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'funnel' }
  | { readonly kind: 'heat'; readonly rows: string; readonly columns: string; readonly divideBy?: string }
  | { readonly kind: 'average'; readonly pairs: readonly (readonly [amount: string, count: string])[] }
);

/** One figure of a grid: its row's key, its column's metric and dimension, the periods' granularity. */
export interface CellRef {
  readonly row: string;
  readonly metric: string;
  readonly dimension: Readonly<Record<string, string>>;
  readonly granularity: Granularity;
  /** The page's filters the chart applies (grade, product...). */
  readonly filter: Readonly<Record<string, string>>;
}

export interface GridColumn {
  readonly label: string;
  readonly unit: Unit;
  /** The metric and dimension values behind the column (for the list behind a figure). */
  readonly metric?: string;
  readonly dimension?: Readonly<Record<string, string>>;
}

export interface Grid {
  readonly rowHeader: string;
  /** Each row's key (a period, a dimension's value, a step's metric) and its label. */
  readonly rows: readonly { readonly key: string; readonly label: string }[];
  readonly columns: readonly GridColumn[];
  /** cells[row][column]: the exact value, or null where there is none. */
  readonly cells: readonly (readonly (string | null)[])[];
}

export function metricLabel(name: string, t: Translate): string {
  return t(`metrics.${name}`, { defaultValue: name });
}

export function dimensionValueLabel(key: string, value: string, t: Translate): string {
  if (key === 'region') return regionName(value);
  return t(`dims.${key}`, { value, defaultValue: value });
}

function dimensionLabel(dimension: Readonly<Record<string, string>>, t: Translate): string {
  return Object.keys(dimension)
    .sort()
    .map((k) => dimensionValueLabel(k, dimension[k]!, t))
    .join(' · ');
}

function periodLabel(period: string, granularity: Granularity): string {
  if (granularity === 'month') return period.slice(0, 7);
  return formatDate(period);
}

/** A cell's value in words: money with its symbol, a ratio as a percentage, a count grouped. */
export function cellText(value: string | null, unit: Unit): string {
  if (value === null) return '—';
  if (unit === 'money') return formatMoney({ amount: value, currency: 'CNY' });
  if (unit === 'ratio') return formatRate(value);
  if (unit === 'count') return formatDecimal(value, 0);
  return value;
}

function byPeriod(series: readonly Series[], granularity: Granularity, t: Translate): Grid {
  const periods = [...new Set(series.flatMap((s) => s.points.map((p) => p.period)))].sort();
  const columns: {
    label: string;
    unit: Unit;
    metric: string;
    dimension: Record<string, string>;
    values: Map<string, string>;
  }[] = [];
  for (const s of series) {
    const groups = new Map<string, { dimension: Record<string, string>; values: Map<string, string> }>();
    for (const p of s.points) {
      const key = dimensionKey(p.dimension);
      if (!groups.has(key)) groups.set(key, { dimension: { ...p.dimension }, values: new Map() });
      groups.get(key)!.values.set(p.period, p.value);
    }
    for (const [key, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const dims = key ? dimensionLabel(group.dimension, t) : '';
      const name =
        series.length === 1 && dims ? dims : [metricLabel(s.metric, t), dims].filter(Boolean).join(' · ');
      columns.push({
        label: name,
        unit: s.unit,
        metric: s.metric,
        dimension: group.dimension,
        values: group.values,
      });
    }
  }
  return {
    rowHeader: t('period'),
    rows: periods.map((p) => ({ key: p, label: periodLabel(p, granularity) })),
    columns: columns.map(({ label, unit, metric, dimension }) => ({ label, unit, metric, dimension })),
    cells: periods.map((p) => columns.map((c) => c.values.get(p) ?? null)),
  };
}

/** The grid of a chart from its series (in the spec's metric order). */
export function gridOf(
  spec: ChartSpec,
  series: readonly Series[],
  granularity: Granularity,
  t: Translate,
): Grid {
  const find = (name: string) => series.find((s) => s.metric === name);
  switch (spec.kind) {
    case 'time':
      return byPeriod(series, granularity, t);
    case 'latest': {
      const key = spec.by?.[0] ?? '';
      const latest = series.map((s) => latestByDimension(s));
      const values = [...new Set(latest.flatMap((m) => [...m.values()].map((p) => p.dimension[key] ?? '')))]
        .filter((v) => v !== '')
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      return {
        rowHeader: t(`filters.${key}`, { defaultValue: key }),
        rows: values.map((v) => ({ key: v, label: dimensionValueLabel(key, v, t) })),
        columns: series.map((s) => ({ label: metricLabel(s.metric, t), unit: s.unit, metric: s.metric })),
        cells: values.map((v) => latest.map((m) => m.get(`${key}=${v}`)?.value ?? null)),
      };
    }
    case 'funnel': {
      const totals = spec.metrics.map((name) => latestByDimension(find(name)).get('')?.value ?? null);
      return {
        rowHeader: t('step'),
        rows: spec.metrics.map((name) => ({ key: name, label: metricLabel(name, t) })),
        columns: [
          { label: t('count'), unit: 'count' },
          { label: t('conversionColumn'), unit: 'ratio' },
        ],
        cells: totals.map((value, i) => {
          const before = i > 0 ? totals[i - 1] : null;
          return [value, value !== null && before ? shareOf(value, before) : null];
        }),
      };
    }
    case 'heat': {
      const main = latestByDimension(find(spec.metrics[0]!));
      const divisor = spec.divideBy ? latestByDimension(find(spec.divideBy)) : undefined;
      const points = [...main.values()];
      const rowValues = [...new Set(points.map((p) => p.dimension[spec.rows] ?? ''))].filter(Boolean).sort();
      const colValues = [...new Set(points.map((p) => p.dimension[spec.columns] ?? ''))]
        .filter(Boolean)
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      const cell = (row: string, col: string): string | null => {
        const value = main.get(dimensionKey({ [spec.rows]: row, [spec.columns]: col }))?.value;
        if (value === undefined) return null;
        if (!divisor) return value;
        const whole = divisor.get(`${spec.rows}=${row}`)?.value;
        return whole === undefined ? null : shareOf(value, whole);
      };
      const colLabel = (v: string) =>
        spec.columns === 'week'
          ? t('week', { week: v })
          : spec.columns === 'mob'
            ? t('mob', { mob: v })
            : dimensionValueLabel(spec.columns, v, t);
      const rowLabel = (v: string) =>
        spec.rows === 'from' ? t('rollFrom', { bucket: v }) : dimensionValueLabel(spec.rows, v, t);
      return {
        rowHeader: spec.rows === 'cohort' ? t('cohort') : spec.rows === 'vintage' ? t('vintage') : '',
        rows: rowValues.map((v) => ({ key: v, label: spec.rows === 'cohort' ? formatDate(v) : rowLabel(v) })),
        columns: colValues.map((v) => ({
          label: spec.columns === 'to' ? t('rollTo', { bucket: v }) : colLabel(v),
          unit: 'ratio' as const,
          metric: spec.metrics[0]!,
          dimension: { [spec.columns]: v },
        })),
        cells: rowValues.map((r) => colValues.map((c) => cell(r, c))),
      };
    }
    case 'average': {
      const periods = [...new Set(series.flatMap((s) => s.points.map((p) => p.period)))].sort();
      const totalAt = (name: string) => {
        const m = new Map<string, string>();
        for (const p of find(name)?.points ?? [])
          if (dimensionKey(p.dimension) === '') m.set(p.period, p.value);
        return m;
      };
      const pairs = spec.pairs.map(([amount, count]) => ({
        amount,
        amounts: totalAt(amount),
        counts: totalAt(count),
      }));
      return {
        rowHeader: t('period'),
        rows: periods.map((p) => ({ key: p, label: periodLabel(p, granularity) })),
        columns: pairs.map((pair) => ({ label: metricLabel(pair.amount, t), unit: 'money' as const })),
        cells: periods.map((p) =>
          pairs.map((pair) => {
            const amount = pair.amounts.get(p);
            const count = pair.counts.get(p);
            return amount !== undefined && count !== undefined ? amountPer(amount, count) : null;
          }),
        ),
      };
    }
  }
}

/** A figure for the canvas only (display; the table keeps the exact text). */
const plotted = (value: string | null): number | null => (value === null ? null : Number(value));

function axisFormatter(unit: Unit): (value: number) => string {
  if (unit === 'ratio') return (v) => `${Math.round(v * 1000) / 10}%`;
  return (v) => v.toLocaleString();
}

/** The ECharts option drawing a grid. */
export function optionOf(spec: ChartSpec, grid: Grid): EChartsOption {
  const unit = grid.columns[0]?.unit ?? 'count';
  const tooltipValue = (value: unknown) => (typeof value === 'number' ? cellText(String(value), unit) : '—');
  const legend = grid.columns.length > 1 ? { type: 'scroll' as const, top: 0 } : undefined;
  const frame = { left: 8, right: 16, top: legend ? 36 : 16, bottom: 8, containLabel: true };
  const categories = grid.rows.map((r) => r.label);
  switch (spec.kind) {
    case 'time':
    case 'average':
    case 'latest': {
      // The latest figures and averages are bars; a time series is drawn as its spec says.
      const chart = spec.kind === 'time' ? spec.chart : 'bar';
      return {
        tooltip: { trigger: 'axis', valueFormatter: tooltipValue },
        legend,
        grid: frame,
        xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
        yAxis: { type: 'value', axisLabel: { formatter: axisFormatter(unit) } },
        series: grid.columns.map((c, i) => ({
          name: c.label,
          type: chart === 'line' ? 'line' : 'bar',
          stack: chart === 'stacked' ? 'total' : undefined,
          showSymbol: grid.rows.length < 40,
          data: grid.cells.map((row) => plotted(row[i] ?? null)),
        })),
      };
    }
    case 'funnel':
      return {
        tooltip: { trigger: 'item' },
        series: [
          {
            type: 'funnel',
            sort: 'none',
            left: '10%',
            width: '80%',
            label: {
              formatter: (params: { dataIndex: number; name: string }) => {
                const row = grid.cells[params.dataIndex] ?? [];
                const share = row[1] ? ` (${formatRate(row[1])})` : '';
                return `${params.name}: ${cellText(row[0] ?? null, 'count')}${share}`;
              },
            },
            data: grid.rows.map((r, i) => ({
              name: r.label,
              value: plotted(grid.cells[i]?.[0] ?? null) ?? 0,
            })),
          },
        ],
      } as EChartsOption;
    case 'heat': {
      const data: [number, number, number][] = [];
      for (const [y, row] of grid.cells.entries())
        for (const [x, value] of row.entries()) if (value !== null) data.push([x, y, Number(value)]);
      return {
        tooltip: {
          formatter: (params: unknown) => {
            const [x, y, v] = (params as { data: [number, number, number] }).data;
            return `${grid.rows[y]?.label} · ${grid.columns[x]?.label}: ${cellText(grid.cells[y]?.[x] ?? String(v), 'ratio')}`;
          },
        },
        grid: { left: 8, right: 16, top: 16, bottom: 56, containLabel: true },
        xAxis: { type: 'category', data: grid.columns.map((c) => c.label) },
        yAxis: { type: 'category', data: categories },
        visualMap: {
          min: 0,
          max: Math.max(0.01, ...data.map((d) => d[2])),
          calculable: true,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          formatter: (value: unknown) => axisFormatter('ratio')(Number(value)),
        },
        series: [
          {
            type: 'heatmap',
            data,
            label: {
              show: grid.columns.length <= 12,
              formatter: (p: { data: [number, number, number] }) => axisFormatter('ratio')(p.data[2]),
            },
          },
        ],
      } as EChartsOption;
    }
  }
}
