import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Segmented, Space, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { labelOf } from './shared.tsx';
import type { ReasonsReport } from './types.ts';

const PERIODS = ['day', 'week', 'month'] as const;

/** The "definitely not" reasons for the product teams: by reason, by period, by product interest. */
export function Reasons() {
  const { t } = useTranslation('staffPipeline');
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [period, setPeriod] = useState<string>('month');
  const query = {
    period,
    ...(range ? { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') } : {}),
  };
  const report = useQuery({
    queryKey: ['crm', 'reasons', query],
    queryFn: () => api.get<ReasonsReport>('/v1/crm/pipeline/reasons', query),
  });
  const r = report.data;
  const reasonLabel = (code: string) => labelOf(r?.reasons.find((x) => x.code === code)?.label, code);
  const productLabel = (code: string) =>
    code === 'none' ? t('none') : labelOf(r?.products.find((x) => x.code === code)?.label, code);
  const codes = r?.byReason.map((x) => x.code) ?? [];
  const perReasonColumns = codes.map((code) => ({
    title: reasonLabel(code),
    key: code,
    align: 'right' as const,
    render: (_v: unknown, row: { reasons: Record<string, number> }) => row.reasons[code] ?? 0,
  }));
  return (
    <>
      <PageTitle
        extra={
          <Space wrap>
            <DatePicker.RangePicker
              aria-label={`${t('from')} – ${t('to')}`}
              value={range}
              onChange={(v) => setRange(v?.[0] && v[1] ? [v[0], v[1]] : null)}
              disabledDate={(d) => d.isAfter(dayjs().add(1, 'day'))}
            />
            <Segmented
              aria-label={t('period')}
              value={period}
              onChange={(v) => setPeriod(String(v))}
              options={PERIODS.map((p) => ({ value: p, label: t(`periods.${p}`) }))}
            />
          </Space>
        }
      >
        {t('reasonsTitle')}
      </PageTitle>
      {report.isError && <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />}
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card title={`${t('byReason')} · ${t('total')} ${r?.total ?? ''}`} loading={report.isPending}>
          <Table
            size="small"
            rowKey="code"
            pagination={false}
            dataSource={r?.byReason}
            columns={[
              { title: t('reason'), key: 'label', render: (_v, row) => labelOf(row.label, row.code) },
              { title: t('reasonCount'), dataIndex: 'count', align: 'right' },
            ]}
          />
        </Card>
        <Card title={t('byPeriod')} loading={report.isPending}>
          <Table
            size="small"
            rowKey="period"
            pagination={false}
            scroll={{ x: true }}
            dataSource={r?.byPeriod}
            columns={[
              { title: t('period'), dataIndex: 'period' },
              ...perReasonColumns,
              { title: t('total'), dataIndex: 'total', align: 'right' },
            ]}
          />
        </Card>
        <Card title={t('byProduct')} loading={report.isPending}>
          <Table
            size="small"
            rowKey="product"
            pagination={false}
            scroll={{ x: true }}
            dataSource={r?.byProduct}
            columns={[
              { title: t('product'), key: 'product', render: (_v, row) => productLabel(row.product) },
              ...perReasonColumns,
              { title: t('total'), dataIndex: 'total', align: 'right' },
            ]}
          />
        </Card>
      </Space>
    </>
  );
}
