import { Col, DatePicker, Flex, Row, Segmented, Select, Tabs } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { useMe } from '../../session.tsx';
import { ChartCard, filterableBy } from './ChartCard.tsx';
import {
  FILTER_KEYS,
  type FilterKey,
  GRANULARITIES,
  type MetricInfo,
  PRESETS,
  useCatalogue,
  useSeries,
  useView,
  type View,
} from './data.ts';
import { dimensionValueLabel } from './grid.ts';
import { AREAS, type Area, chartsOf } from './pages.ts';
import { TodayFigures } from './TodayFigures.tsx';

/** A filter's choices: the values its dimension has in the range, read from one metric that has it. */
function FilterSelect({
  name,
  metric,
  view,
  onChange,
}: {
  name: FilterKey;
  metric: string;
  view: View;
  onChange: (value: string | undefined) => void;
}) {
  const { t } = useTranslation('staffAnalytics');
  const values = useSeries({
    metrics: [metric],
    from: view.from,
    to: view.to,
    granularity: 'month',
    by: [name],
  });
  const options = [...new Set((values.data?.items[0]?.points ?? []).map((p) => p.dimension[name] ?? ''))]
    .filter(Boolean)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((value) => ({ value, label: dimensionValueLabel(name, value, t) }));
  const chosen = view.filters[name];
  if (chosen && !options.some((o) => o.value === chosen))
    options.unshift({ value: chosen, label: dimensionValueLabel(name, chosen, t) });
  return (
    <Select
      aria-label={t(`filters.${name}`)}
      data-testid={`filter-${name}`}
      allowClear
      placeholder={`${t(`filters.${name}`)}: ${t('filters.all')}`}
      style={{ minWidth: 160 }}
      value={chosen}
      loading={values.isPending}
      onChange={(value: string | undefined) => onChange(value)}
      options={options}
    />
  );
}

/** Range presets, a custom range, the granularity and the page's filters. */
function Toolbar({
  view,
  change,
  filters,
}: {
  view: View;
  change: (changes: Record<string, string | undefined>) => void;
  filters: readonly { key: FilterKey; metric: string }[];
}) {
  const { t } = useTranslation('staffAnalytics');
  return (
    <Flex wrap gap={12} align="center" style={{ marginBottom: 16 }} role="group" aria-label={t('range')}>
      <Segmented
        aria-label={t('range')}
        value={view.preset}
        onChange={(value) =>
          change(
            value === 'custom'
              ? { range: 'custom', from: view.from, to: view.to }
              : { range: String(value), from: undefined, to: undefined },
          )
        }
        options={[...PRESETS, 'custom'].map((p) => ({ value: p, label: t(`presets.${p}`) }))}
      />
      {view.preset === 'custom' && (
        <DatePicker.RangePicker
          aria-label={t('range')}
          allowClear={false}
          value={[dayjs(view.from), dayjs(view.to)]}
          placeholder={[t('from'), t('to')]}
          onChange={(dates) => {
            if (dates?.[0] && dates[1])
              change({
                range: 'custom',
                from: dates[0].format('YYYY-MM-DD'),
                to: dates[1].format('YYYY-MM-DD'),
              });
          }}
        />
      )}
      <Segmented
        aria-label={t('granularity')}
        value={view.granularity}
        onChange={(value) => change({ granularity: value === 'day' ? undefined : String(value) })}
        options={GRANULARITIES.map((g) => ({ value: g, label: t(`granularities.${g}`) }))}
      />
      {filters.map(({ key, metric }) => (
        <FilterSelect
          key={key}
          name={key}
          metric={metric}
          view={view}
          onChange={(value) => change({ [key]: value })}
        />
      ))}
    </Flex>
  );
}

/**
 * The analytics pages: /staff/analytics (the figures of the day and the four areas' tabs) and
 * /staff/analytics/:area, the charts of users, the marketplace, risk or liquidity over a range.
 */
export default function AnalyticsPage() {
  const { t } = useTranslation('staffAnalytics');
  const me = useMe().data;
  const navigate = useNavigate();
  const asked = useParams().area;
  const area = (AREAS as readonly string[]).includes(asked ?? '') ? (asked as Area) : undefined;
  const catalogue = useCatalogue();
  const { view, change } = useView(catalogue.data?.latestDate);
  const byName = useMemo(
    () => new Map<string, MetricInfo>(catalogue.data?.items.map((m) => [m.name, m]) ?? []),
    [catalogue.data],
  );
  const charts = useMemo(() => (area ? chartsOf(area, me) : []), [area, me]);
  // Each filter shown where at least one chart of the page honours it, its choices from that chart's metric.
  const filters = FILTER_KEYS.flatMap((key) => {
    const chart = charts.find((c) => filterableBy(c, byName).includes(key));
    const metric = chart?.metrics.find((m) => byName.has(m));
    return metric ? [{ key, metric }] : [];
  });
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Tabs
        aria-label={t('areasNav')}
        activeKey={area ?? 'overview'}
        onChange={(key) =>
          void navigate(`/staff/analytics${key === 'overview' ? '' : `/${key}`}${window.location.search}`)
        }
        items={[
          { key: 'overview', label: t('today.title') },
          ...AREAS.map((a) => ({ key: a, label: t(`areas.${a}`) })),
        ]}
      />
      {catalogue.isError && <ErrorAlert error={catalogue.error} onRetry={() => void catalogue.refetch()} />}
      {!area && <TodayFigures />}
      {area && catalogue.data && (
        <>
          <Toolbar view={view} change={change} filters={filters} />
          <p style={{ marginTop: 0 }}>
            {catalogue.data.latestDate
              ? t('asOf', { date: formatDate(catalogue.data.latestDate) })
              : t('noData')}
          </p>
          <Row gutter={[16, 16]}>
            {charts.map((spec) => (
              <Col key={spec.id} xs={24} xl={spec.wide ? 24 : 12}>
                <ChartCard spec={spec} view={view} catalogue={byName} />
              </Col>
            ))}
          </Row>
        </>
      )}
    </>
  );
}
