import { Card, Space, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../components/EChart.tsx';
import { Amount, Rate } from '../../components/ui.tsx';
import { regionName } from '../../regions.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { cny } from './types.ts';
import { useCollectors } from './useCollectors.ts';

/** GET /v1/collections/analysis: ratios are decimal text (4 places), amounts yuan text. */
export interface Analysis {
  period: { from: string; to: string };
  rollRates: { from: string; to: string; cases: number; rate: string | null }[];
  recoveryByBucket: {
    bucket: string;
    cases: number;
    cured: number;
    rate: string | null;
    overdueAmount: string;
    curedAmount: string;
    amountRate: string | null;
  }[];
  recoveryByMonth: { month: string; cases: number; cured: number; rate: string | null }[];
  promises: { kept: number; broken: number; keptRate: string | null };
  collectors: {
    userId: string;
    tier: string;
    contacts: number;
    openCases: number;
    cured: number;
    promisesKept: number;
    promisesBroken: number;
    keptRate: string | null;
  }[];
  overdueByRegion: { region: string | null; cases: number; amount: string }[];
  overdueByProduct: { productId: string; cases: number; amount: string }[];
}

/** Yuan text to fen, exactly (no floats), and back. */
const toFen = (yuan: string) => {
  const [whole = '0', fraction = ''] = yuan.split('.');
  return (
    BigInt(whole) * 100n + (whole.startsWith('-') ? -1n : 1n) * BigInt(fraction.padEnd(2, '0').slice(0, 2))
  );
};
const fenText = (fen: bigint) => {
  const negative = fen < 0n;
  const digits = (negative ? -fen : fen).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
};

export function totalOverdue(a: Analysis) {
  return {
    cases: a.overdueByProduct.reduce((n, r) => n + r.cases, 0),
    amount: fenText(a.overdueByProduct.reduce((sum, r) => sum + toFen(r.amount), 0n)),
  };
}

/** For drawing only: a ratio as a percentage number. */
const percent = (rate: string | null) => (rate === null ? 0 : Number(rate) * 100);
const grid = { left: 48, right: 16, top: 32, bottom: 32, containLabel: true };
const money = (v: string) => <Amount value={cny(v)} />;
const rate = (v: string | null) => <Rate value={v} />;

export function RollRates({ analysis }: { analysis: Analysis }) {
  const { t } = useTranslation('staffCollections');
  const label = (r: { from: string; to: string }) =>
    `${r.from} → ${r.to === 'closed' ? t('statuses.closed') : r.to}`;
  return (
    <Card title={t('analysis.rollRates')}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('analysis.rollRatesHint')}</Typography.Text>
        <EChart
          label={t('analysis.rollRates')}
          height={220}
          option={{
            tooltip: { trigger: 'axis', valueFormatter: (v) => `${Number(v).toFixed(2)}%` },
            grid,
            xAxis: {
              type: 'category',
              data: analysis.rollRates.map(label),
              axisLabel: { interval: 0, fontSize: 11 },
            },
            yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
            series: [
              { type: 'bar', name: t('analysis.rate'), data: analysis.rollRates.map((r) => percent(r.rate)) },
            ],
          }}
        />
        <ResponsiveTable
          label={t('analysis.rollRates')}
          dense
          rowKey={(r) => `${r.from}-${r.to}`}
          size="small"
          pagination={false}
          dataSource={analysis.rollRates}
          columns={[
            { title: t('analysis.transition'), key: 'transition', render: (_v, r) => label(r) },
            { title: t('analysis.cases'), dataIndex: 'cases', align: 'right' },
            { title: t('analysis.rate'), dataIndex: 'rate', align: 'right', render: rate },
          ]}
        />
      </Space>
    </Card>
  );
}

export function RecoveryByBucket({ analysis }: { analysis: Analysis }) {
  const { t } = useTranslation('staffCollections');
  const rows = analysis.recoveryByBucket;
  return (
    <Card title={t('analysis.recoveryByBucket')}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <EChart
          label={t('analysis.recoveryByBucket')}
          height={220}
          option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid,
            xAxis: { type: 'category', data: rows.map((r) => r.bucket) },
            yAxis: { type: 'value', minInterval: 1 },
            series: [
              { type: 'bar', name: t('analysis.cases'), data: rows.map((r) => r.cases) },
              { type: 'bar', name: t('analysis.cured'), data: rows.map((r) => r.cured) },
            ],
          }}
        />
        <ResponsiveTable
          label={t('analysis.recoveryByBucket')}
          dense
          rowKey="bucket"
          size="small"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: t('analysis.bucket'), dataIndex: 'bucket' },
            { title: t('analysis.cases'), dataIndex: 'cases', align: 'right' },
            { title: t('analysis.cured'), dataIndex: 'cured', align: 'right' },
            { title: t('analysis.cureRate'), dataIndex: 'rate', align: 'right', render: rate },
            { title: t('analysis.overdueAmount'), dataIndex: 'overdueAmount', align: 'right', render: money },
            { title: t('analysis.curedAmount'), dataIndex: 'curedAmount', align: 'right', render: money },
            { title: t('analysis.amountRate'), dataIndex: 'amountRate', align: 'right', render: rate },
          ]}
        />
      </Space>
    </Card>
  );
}

export function RecoveryByMonth({ analysis }: { analysis: Analysis }) {
  const { t } = useTranslation('staffCollections');
  const rows = analysis.recoveryByMonth;
  return (
    <Card title={t('analysis.recoveryByMonth')}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <EChart
          label={t('analysis.recoveryByMonth')}
          height={220}
          option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid,
            xAxis: { type: 'category', data: rows.map((r) => r.month) },
            yAxis: { type: 'value', minInterval: 1 },
            series: [
              { type: 'bar', name: t('analysis.cases'), data: rows.map((r) => r.cases) },
              { type: 'bar', name: t('analysis.cured'), data: rows.map((r) => r.cured) },
            ],
          }}
        />
        <ResponsiveTable
          label={t('analysis.recoveryByMonth')}
          dense
          rowKey="month"
          size="small"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: t('analysis.month'), dataIndex: 'month' },
            { title: t('analysis.cases'), dataIndex: 'cases', align: 'right' },
            { title: t('analysis.cured'), dataIndex: 'cured', align: 'right' },
            { title: t('analysis.cureRate'), dataIndex: 'rate', align: 'right', render: rate },
          ]}
        />
      </Space>
    </Card>
  );
}

type CollectorRow = Analysis['collectors'][number];

export function CollectorResults({ analysis }: { analysis: Analysis }) {
  const { t } = useTranslation('staffCollections');
  const { nameOf } = useCollectors();
  const columns: ColumnsType<CollectorRow> = [
    { title: t('collector'), dataIndex: 'userId', render: (v: string) => nameOf(v) },
    { title: t('tier'), dataIndex: 'tier', render: (v: string) => t(`tiers.${v}`, { defaultValue: v }) },
    { title: t('analysis.contacts'), dataIndex: 'contacts', align: 'right' },
    { title: t('openCases'), dataIndex: 'openCases', align: 'right' },
    { title: t('analysis.cured'), dataIndex: 'cured', align: 'right' },
    { title: t('analysis.promisesKept'), dataIndex: 'promisesKept', align: 'right' },
    { title: t('analysis.promisesBroken'), dataIndex: 'promisesBroken', align: 'right' },
    { title: t('analysis.keptRate'), dataIndex: 'keptRate', align: 'right', render: rate },
  ];
  return (
    <Card title={t('analysis.collectors')}>
      <ResponsiveTable<CollectorRow>
        label={t('analysis.collectors')}
        rowKey="userId"
        size="small"
        pagination={false}
        dataSource={analysis.collectors}
        columns={columns}
      />
    </Card>
  );
}

interface OverdueRow {
  key: string;
  label: string;
  cases: number;
  amount: string;
}

export function Overdue({ analysis, by }: { analysis: Analysis; by: 'region' | 'product' }) {
  const { t } = useTranslation('staffCollections');
  const rows: OverdueRow[] =
    by === 'region'
      ? analysis.overdueByRegion.map((r) => ({
          ...r,
          key: r.region ?? '',
          // Several district codes can lie in one province: the key stays the code.
          label: r.region ? `${regionName(r.region)} (${r.region})` : t('analysis.unknownRegion'),
        }))
      : analysis.overdueByProduct.map((r) => ({ ...r, key: r.productId, label: r.productId }));
  const title = by === 'region' ? t('analysis.overdueByRegion') : t('analysis.overdueByProduct');
  return (
    <Card title={title}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <EChart
          label={title}
          height={220}
          option={{
            tooltip: { trigger: 'item' },
            series: [
              {
                type: 'pie',
                radius: ['40%', '70%'],
                name: t('analysis.overdueAmount'),
                // For drawing only: the slices' sizes.
                data: rows.map((r) => ({ name: r.label, value: Number(r.amount) })),
              },
            ],
          }}
        />
        <ResponsiveTable<OverdueRow>
          label={title}
          dense
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: by === 'region' ? t('analysis.regionCol') : t('analysis.product'), dataIndex: 'label' },
            { title: t('analysis.cases'), dataIndex: 'cases', align: 'right' },
            { title: t('analysis.overdueAmount'), dataIndex: 'amount', align: 'right', render: money },
          ]}
        />
      </Space>
    </Card>
  );
}
