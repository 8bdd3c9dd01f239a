import { DownloadOutlined, TableOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Skeleton, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '../../components/ui.tsx';
import { Chart, type ChartPick } from './Chart.tsx';
import {
  csvHref,
  FILTER_KEYS,
  type Granularity,
  type MetricInfo,
  type SeriesRequest,
  useSeries,
  type View,
} from './data.ts';
import {
  type ChartSpec,
  cellText,
  dimensionValueLabel,
  type Grid,
  gridOf,
  metricLabel,
  optionOf,
} from './grid.ts';

/** The row and column of a click: a heat map's datum is [column, row, value]; a series is a column. */
function pickedCell(spec: ChartSpec, pick: ChartPick): [row: number, column: number] {
  if (spec.kind === 'heat' && Array.isArray(pick.data)) return [Number(pick.data[1]), Number(pick.data[0])];
  if (spec.kind === 'funnel') return [pick.dataIndex, 0];
  return [pick.dataIndex, pick.seriesIndex];
}

/** The list behind one figure, if the chart has one and the user may open it. */
function cellLinkOf(
  spec: ChartSpec,
  grid: Grid,
  row: string,
  column: number,
  granularity: Granularity,
  filter: Readonly<Record<string, string>>,
): string | undefined {
  const c = grid.columns[column];
  if (!spec.cellLink || !c?.metric) return undefined;
  return spec.cellLink({ row, metric: c.metric, dimension: c.dimension ?? {}, granularity, filter });
}

/** The metrics a chart asks for: its own, and the divisor of a share. */
function metricsOf(spec: ChartSpec): string[] {
  const names = [...spec.metrics];
  if (spec.kind === 'heat' && spec.divideBy) names.push(spec.divideBy);
  if (spec.kind === 'average') for (const [a, c] of spec.pairs) names.push(a, c);
  return [...new Set(names)];
}

/** The page's filters that apply to a chart: those every one of its metrics has (and it does not break down by). */
export function appliedFilters(spec: ChartSpec, catalogue: ReadonlyMap<string, MetricInfo>, view: View) {
  const out: Record<string, string> = {};
  const names = metricsOf(spec);
  for (const key of FILTER_KEYS) {
    const value = view.filters[key];
    if (!value || spec.by?.includes(key) || spec.kind === 'funnel' || spec.kind === 'heat') continue;
    if (names.every((n) => catalogue.get(n)?.dimensions.includes(key))) out[key] = value;
  }
  return out;
}

/** The dimensions a chart's metrics could be filtered by on this page. */
export function filterableBy(spec: ChartSpec, catalogue: ReadonlyMap<string, MetricInfo>): string[] {
  if (spec.kind === 'funnel' || spec.kind === 'heat') return [];
  const names = metricsOf(spec);
  return FILTER_KEYS.filter(
    (key) => !spec.by?.includes(key) && names.every((n) => catalogue.get(n)?.dimensions.includes(key)),
  );
}

/**
 * One chart in a card: its title, the filters it honours, a CSV of the same figures, and a table of
 * them for whoever cannot see the canvas (toggled; it also carries the links to the lists behind).
 */
export function ChartCard({
  spec,
  view,
  catalogue,
}: {
  spec: ChartSpec;
  view: View;
  catalogue: ReadonlyMap<string, MetricInfo>;
}) {
  const { t } = useTranslation('staffAnalytics');
  const navigate = useNavigate();
  const [table, setTable] = useState(false);
  const title = t(`charts.${spec.title}`);
  const wanted = metricsOf(spec);
  const present = wanted.filter((n) => catalogue.has(n));
  const missing = wanted.filter((n) => !catalogue.has(n));
  const filter = appliedFilters(spec, catalogue, view);
  const request: SeriesRequest | undefined =
    present.length > 0
      ? {
          metrics: present,
          from: view.from,
          to: view.to,
          // A stock read at its latest day needs every day of the range only for the period charts.
          granularity: spec.kind === 'time' || spec.kind === 'average' ? view.granularity : 'day',
          filter,
          ...(spec.by ? { by: spec.by } : spec.kind === 'heat' ? { by: [spec.rows, spec.columns] } : {}),
        }
      : undefined;
  // A heat map's divisor (the cohort's size) is broken down by the rows only: a request of its own.
  const divisorRequest: SeriesRequest | undefined =
    spec.kind === 'heat' && spec.divideBy && catalogue.has(spec.divideBy)
      ? { metrics: [spec.divideBy], from: view.from, to: view.to, granularity: 'day', by: [spec.rows] }
      : undefined;
  const mainRequest: SeriesRequest | undefined =
    request && divisorRequest
      ? { ...request, metrics: request.metrics.filter((m) => m !== divisorRequest.metrics[0]) }
      : request;
  const series = useSeries(mainRequest);
  const divisor = useSeries(divisorRequest);
  const grid = useMemo(
    () =>
      series.data
        ? gridOf(spec, [...series.data.items, ...(divisor.data?.items ?? [])], mainRequest!.granularity, t)
        : undefined,
    [series.data, divisor.data, spec, t, mainRequest],
  );
  const option = useMemo(() => (grid ? optionOf(spec, grid) : undefined), [grid, spec]);
  const filterWords = Object.entries(filter)
    .map(([k, v]) => `${t(`filters.${k}`)}: ${k === 'region' ? dimensionValueLabel(k, v, t) : v}`)
    .join(', ');
  const empty = grid && (grid.rows.length === 0 || grid.columns.length === 0);
  return (
    <Card
      size="small"
      data-testid={`chart-${spec.id}`}
      title={<span style={{ whiteSpace: 'normal' }}>{title}</span>}
      extra={
        mainRequest ? (
          <Flex gap={4} wrap>
            <Button
              size="small"
              type="text"
              icon={<TableOutlined />}
              aria-expanded={table}
              onClick={() => setTable((shown) => !shown)}
            >
              {table ? t('hideTable') : t('showTable')}
            </Button>
            <Button
              size="small"
              type="link"
              icon={<DownloadOutlined />}
              href={csvHref(mainRequest)}
              download
              aria-label={t('csvOf', { title })}
            >
              {t('csv')}
            </Button>
          </Flex>
        ) : null
      }
      style={{ height: '100%' }}
    >
      {filterWords && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('filtered', { what: filterWords })}
        </Typography.Paragraph>
      )}
      {missing.length > 0 && (
        <Alert
          type="info"
          style={{ marginBottom: 8 }}
          title={t('missing', { names: missing.map((n) => metricLabel(n, t)).join(', ') })}
        />
      )}
      {series.isError && <ErrorAlert error={series.error} onRetry={() => void series.refetch()} />}
      {mainRequest && series.isPending && <Skeleton active aria-label={t('loadingChart')} />}
      {empty && <Empty description={t('empty')} />}
      {grid && option && !empty && (
        <>
          <Chart
            option={option}
            label={t('chartOf', { title })}
            height={spec.kind === 'heat' ? Math.max(260, 60 + grid.rows.length * 28) : 300}
            onPick={(pick) => {
              const [rowIndex, columnIndex] = pickedCell(spec, pick);
              const row = grid.rows[rowIndex] ?? grid.rows.find((r) => r.label === pick.name);
              if (!row) return;
              const to =
                cellLinkOf(spec, grid, row.key, columnIndex, mainRequest!.granularity, filter) ??
                spec.rowLink?.(row.key);
              if (to) void navigate(to);
            }}
          />
          {table && (
            <Table<{ key: string; label: string; index: number }>
              size="small"
              style={{ marginTop: 12 }}
              scroll={{ x: true }}
              pagination={grid.rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
              caption={<span className="visually-hidden">{t('tableOf', { title })}</span>}
              rowKey="key"
              dataSource={grid.rows.map((row, i) => ({ key: row.key, label: row.label, index: i }))}
              columns={[
                {
                  title: grid.rowHeader,
                  dataIndex: 'label',
                  render: (label: string, row) => {
                    const to = spec.rowLink?.(row.key);
                    return to ? <Link to={to}>{label}</Link> : label;
                  },
                },
                ...grid.columns.map((column, c) => ({
                  title: column.label,
                  key: `c${c}`,
                  align: 'right' as const,
                  render: (_: unknown, row: { key: string; index: number }) => {
                    const value = grid.cells[row.index]?.[c] ?? null;
                    const text = (
                      <span style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                        {cellText(value, column.unit)}
                      </span>
                    );
                    const to =
                      value === null
                        ? undefined
                        : cellLinkOf(spec, grid, row.key, c, mainRequest!.granularity, filter);
                    return to ? <Link to={to}>{text}</Link> : text;
                  },
                })),
              ]}
            />
          )}
        </>
      )}
    </Card>
  );
}
