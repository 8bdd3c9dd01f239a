import { useQuery } from '@tanstack/react-query';
import { Card, Col, DatePicker, Row as GridRow, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, Figure, PageTitle } from '../../components/ui.tsx';
import { formatDecimal, formatRate } from '../../money.ts';
import { type GroupFigures, type InboxFigures, useCategoryLabel } from './types.ts';

type Row = InboxFigures['byCategory'][number];
type AgentRow = InboxFigures['byAgent'][number];

/** Today in Shanghai, where the figures' business dates are: a browser elsewhere may be a day off. */
function shanghaiToday(): Dayjs {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
  return dayjs(parts);
}

/** "4.5000" → "4.50": display only, cut rather than rounded. */
function twoPlaces(value: string): string {
  const [whole = '0', fraction = ''] = value.split('.');
  return formatDecimal(`${whole}.${fraction.slice(0, 2)}`, 2);
}

/**
 * The inbox's figures for tickets opened in a range of dates: volume, first-response and resolution
 * times against their SLA, satisfaction; in total, by category and by agent.
 */
export function FiguresPage() {
  const { t } = useTranslation('staffInbox');
  const label = useCategoryLabel();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => {
    const today = shanghaiToday();
    return [today.subtract(29, 'day'), today];
  });
  const query = { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  const figures = useQuery({
    queryKey: ['inbox', 'figures', query],
    queryFn: () => api.get<InboxFigures>('/v1/crm/inbox/figures', query),
  });
  const f = figures.data;
  const share = (value: string | null) => (value === null ? t('figures.none') : formatRate(value));
  const timerNote = (timer: GroupFigures['firstResponse']) =>
    timer.done === 0
      ? t('figures.noneDone')
      : t('figures.ofDone', { met: timer.met, done: timer.done, minutes: timer.averageMinutes });
  const columns = <T extends GroupFigures>(): ColumnsType<T> => [
    {
      title: t('figures.volume'),
      key: 'volume',
      align: 'right' as const,
      render: (_v: unknown, r: T) => r.volume,
    },
    ...(['firstResponse', 'resolution'] as const).map((timer) => ({
      title: t(timer === 'firstResponse' ? 'firstResponse' : 'resolution'),
      key: timer,
      children: [
        {
          title: t('figures.done'),
          key: `${timer}-done`,
          align: 'right' as const,
          render: (_v: unknown, r: T) => r[timer].done,
        },
        {
          title: t('figures.met'),
          key: `${timer}-met`,
          align: 'right' as const,
          render: (_v: unknown, r: T) => r[timer].met,
        },
        {
          title: t('figures.metShare'),
          key: `${timer}-share`,
          align: 'right' as const,
          render: (_v: unknown, r: T) => share(r[timer].metShare),
        },
        {
          title: t('figures.averageMinutes'),
          key: `${timer}-minutes`,
          align: 'right' as const,
          render: (_v: unknown, r: T) => r[timer].averageMinutes ?? t('figures.none'),
        },
      ],
    })),
    {
      title: t('figures.satisfaction'),
      key: 'satisfaction',
      children: [
        {
          title: t('figures.ratingsCol'),
          key: 'ratings',
          align: 'right' as const,
          render: (_v: unknown, r: T) => r.satisfaction.ratings,
        },
        {
          title: t('figures.average'),
          key: 'average',
          align: 'right' as const,
          render: (_v: unknown, r: T) =>
            r.satisfaction.average === null ? t('figures.none') : twoPlaces(r.satisfaction.average),
        },
      ],
    },
  ];
  return (
    <>
      <PageTitle
        extra={
          <DatePicker.RangePicker
            aria-label={t('figures.range')}
            allowClear={false}
            value={range}
            onChange={(v) => {
              if (v?.[0] && v[1]) setRange([v[0], v[1]]);
            }}
          />
        }
      >
        {t('figures.title')}
      </PageTitle>
      {figures.isError && <ErrorAlert error={figures.error} onRetry={() => void figures.refetch()} />}
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <GridRow gutter={[12, 12]}>
          <Col xs={12} lg={6} data-testid="inbox-figure-volume">
            <Figure label={t('figures.volume')} value={f ? f.total.volume : '…'} />
          </Col>
          <Col xs={12} lg={6} data-testid="inbox-figure-first-response">
            <Figure
              label={t('figures.firstResponseMet')}
              value={f ? share(f.total.firstResponse.metShare) : '…'}
              note={f ? timerNote(f.total.firstResponse) : undefined}
            />
          </Col>
          <Col xs={12} lg={6} data-testid="inbox-figure-resolution">
            <Figure
              label={t('figures.resolutionMet')}
              value={f ? share(f.total.resolution.metShare) : '…'}
              note={f ? timerNote(f.total.resolution) : undefined}
            />
          </Col>
          <Col xs={12} lg={6} data-testid="inbox-figure-satisfaction">
            <Figure
              label={t('figures.satisfaction')}
              value={
                f
                  ? f.total.satisfaction.average === null
                    ? t('figures.none')
                    : twoPlaces(f.total.satisfaction.average)
                  : '…'
              }
              note={f ? t('figures.ratings', { count: f.total.satisfaction.ratings }) : undefined}
            />
          </Col>
        </GridRow>
        <Card title={t('figures.byCategory')} size="small" loading={figures.isPending}>
          <Table<Row>
            size="small"
            rowKey="category"
            pagination={false}
            scroll={{ x: true }}
            data-testid="inbox-figures-by-category"
            dataSource={f?.byCategory}
            columns={[
              {
                title: t('figures.category'),
                key: 'category',
                render: (_v: unknown, r: Row) => label(r.category),
              },
              ...columns<Row>(),
            ]}
          />
        </Card>
        <Card title={t('figures.byAgent')} size="small" loading={figures.isPending}>
          <Table<AgentRow>
            size="small"
            rowKey={(r) => r.agentId ?? 'none'}
            pagination={false}
            scroll={{ x: true }}
            data-testid="inbox-figures-by-agent"
            dataSource={f?.byAgent}
            columns={[
              {
                title: t('figures.agent'),
                key: 'agent',
                render: (_v: unknown, r: AgentRow) =>
                  r.agentId ? (r.agentName ?? r.agentId) : t('figures.unowned'),
              },
              ...columns<AgentRow>(),
            ]}
          />
        </Card>
      </Space>
    </>
  );
}
