import { Card, Col, Row, Statistic, Typography } from 'antd';
import type { ColumnType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { Money } from '../../api.ts';
import { EChart } from '../../components/EChart.tsx';
import { Amount } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from './ResponsiveTable.tsx';
import { BUCKETS, fenToYuan, latestDate, type Snapshot, snapshotValue, yuanToFen } from './snapshots.ts';

interface BucketRow {
  bucket: (typeof BUCKETS)[number];
  lines: bigint;
  overdueFen: bigint;
}

const cny = (fen: bigint): Money => ({ amount: fenToYuan(fen), currency: 'CNY' });

/**
 * The credit-line book at the last day-close that recorded it (`credit_lines.count` and
 * `credit_lines.overdue_amount` by bucket, amounts in yuan); nothing when no close has recorded it yet.
 */
export function ConsumerCredit({ items, pageAsOf }: { items: Snapshot[]; pageAsOf: string | null }) {
  const { t } = useTranslation('staffOps');
  const credit = items.filter((s) => s.metric.startsWith('credit_lines.'));
  const last = latestDate(credit);
  if (last === null) return null;
  const rows: BucketRow[] = BUCKETS.map((bucket) => ({
    bucket,
    lines: BigInt(snapshotValue(credit, last, 'credit_lines.count', bucket) ?? '0'),
    overdueFen: yuanToFen(snapshotValue(credit, last, 'credit_lines.overdue_amount', bucket) ?? '0'),
  }));
  const total = rows.reduce((sum, r) => sum + r.lines, 0n);
  const overdueLines = rows.filter((r) => r.bucket !== 'current').reduce((sum, r) => sum + r.lines, 0n);
  const overdueFen = rows.reduce((sum, r) => sum + r.overdueFen, 0n);
  const bucketLabel = (bucket: string) => (bucket === 'current' ? t('current') : bucket);
  const columns: ColumnType<BucketRow>[] = [
    { key: 'bucket', title: t('bucket'), render: (_, r) => bucketLabel(r.bucket) },
    { key: 'lines', title: t('creditLines'), align: 'right', render: (_, r) => r.lines.toString() },
    {
      key: 'overdue',
      title: t('overdueTotal'),
      align: 'right',
      render: (_, r) => <Amount value={cny(r.overdueFen)} />,
    },
  ];
  return (
    <section aria-labelledby="consumer-credit" style={{ marginTop: 24 }}>
      <Typography.Title level={4} id="consumer-credit" style={{ marginBottom: 0 }}>
        {t('creditTitle')}
      </Typography.Title>
      {/* Loans and lines close in the same day-close; a different date means this step has not run since. */}
      {last !== pageAsOf && (
        <Typography.Text type="secondary">{t('asOf', { date: formatDate(last) })}</Typography.Text>
      )}
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={12} lg={6}>
          <Card>
            <Statistic title={t('creditLines')} value={total.toString()} />
            <Typography.Text type="secondary">{t('creditLinesHint')}</Typography.Text>
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card>
            <Statistic title={t('creditOverdueLines')} value={overdueLines.toString()} />
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card>
            <Statistic
              title={t('creditOverdueAmount')}
              valueRender={() => <Amount value={cny(overdueFen)} strong />}
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={12}>
          <Card title={t('creditLinesByBucket')}>
            <EChart
              label={t('creditLinesByBucket')}
              option={{
                tooltip: {},
                grid: { left: 40, right: 16, top: 16, bottom: 32 },
                xAxis: { type: 'category', data: BUCKETS.map(bucketLabel) },
                yAxis: { type: 'value', minInterval: 1 },
                series: [{ type: 'bar', name: t('creditLines'), data: rows.map((r) => Number(r.lines)) }],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('creditByBucket')}>
            <ResponsiveTable<BucketRow>
              label={t('creditByBucket')}
              dense
              rowKey="bucket"
              size="small"
              pagination={false}
              dataSource={rows}
              columns={columns}
            />
          </Card>
        </Col>
      </Row>
    </section>
  );
}
