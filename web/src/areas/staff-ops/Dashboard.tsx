import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { EChart } from '../../components/EChart.tsx';
import { Amount, ErrorAlert, PageTitle, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { ConsumerCredit } from './ConsumerCredit.tsx';
import {
  BUCKETS,
  fenToYuan,
  latestDate,
  type Snapshot,
  series,
  snapshotValue,
  totalOf,
} from './snapshots.ts';

const DAYS = 90;
const daysBefore = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const cny = (fen: bigint): Money => ({ amount: fenToYuan(fen), currency: 'CNY' });

interface Reserve {
  balance: Money;
  overduePrincipal: Money;
  coverage: string | null;
}

/** The loan book, delinquency, the reserve, approvals and funding, from the day-close snapshots. */
export function Dashboard() {
  const { t } = useTranslation('staffOps');
  const me = useMe();
  const batch = can(me.data, 'batch:read');
  const date = useQuery({
    queryKey: ['batch', 'business-date'],
    queryFn: () => api.get<{ businessDate: string; closing: boolean }>('/v1/batch/business-date'),
  });
  const today = date.data?.businessDate;
  const snapshots = useQuery({
    queryKey: ['batch', 'snapshots', today],
    queryFn: () =>
      api.get<{ items: Snapshot[] }>('/v1/batch/snapshots', { from: daysBefore(today!, DAYS), to: today }),
    enabled: batch && !!today,
  });
  const reserve = useQuery({
    queryKey: ['lending', 'reserve'],
    queryFn: () => api.get<Reserve>('/v1/lending/reserve'),
    enabled: can(me.data, 'lending:read'),
  });
  const approvals = useQuery({
    queryKey: ['risk', 'challenger', today],
    queryFn: () =>
      api.get<{ items: { decisions: number; approvalRate: number }[] }>('/v1/risk/reports/challenger', {
        from: daysBefore(today!, DAYS),
        to: today,
      }),
    enabled: can(me.data, 'risk:decide') && !!today,
  });
  const items = snapshots.data?.items ?? [];
  const last = latestDate(items);
  const loans = BUCKETS.map((b) => Number(snapshotValue(items, last, 'loans.count', b) ?? '0'));
  const bookCount = totalOf(items, last, 'loans.count');
  const outstandingFen = totalOf(items, last, 'loans.outstanding_principal');
  const overdueFen = totalOf(items, last, 'loans.overdue_amount');
  const decided = (approvals.data?.items ?? []).reduce(
    (acc, v) => ({
      total: acc.total + v.decisions,
      approved: acc.approved + Math.round(v.decisions * v.approvalRate),
    }),
    { total: 0, approved: 0 },
  );
  const error = [date, snapshots, reserve, approvals].find((q) => q.isError);
  const axis = { type: 'category' as const, data: BUCKETS.map((b) => (b === 'current' ? t('current') : b)) };
  return (
    <>
      <PageTitle
        extra={
          last ? (
            <Typography.Text type="secondary">{t('asOf', { date: formatDate(last) })}</Typography.Text>
          ) : null
        }
      >
        {t('dashboardTitle')}
      </PageTitle>
      {error && <ErrorAlert error={error.error} onRetry={() => void error.refetch()} />}
      {batch && snapshots.isSuccess && items.length === 0 && (
        <Alert type="info" showIcon title={t('noSnapshots')} />
      )}
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        {batch && (
          <>
            <Col xs={12} lg={6}>
              <Card loading={snapshots.isPending}>
                <Statistic
                  title={t('outstanding')}
                  valueRender={() => <Amount value={cny(outstandingFen)} strong />}
                />
                <Typography.Text type="secondary">
                  {t('outstandingHint', { count: bookCount.toString() })}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={12} lg={6}>
              <Card loading={snapshots.isPending}>
                <Statistic
                  title={t('overdueTotal')}
                  valueRender={() => <Amount value={cny(overdueFen)} strong />}
                />
              </Card>
            </Col>
            <Col xs={12} lg={6}>
              <Card loading={snapshots.isPending}>
                <Statistic
                  title={t('fundedToday')}
                  valueRender={() => (
                    <Amount value={cny(totalOf(items, last, 'loans.funded_amount'))} strong />
                  )}
                />
              </Card>
            </Col>
          </>
        )}
        {reserve.isSuccess && (
          <Col xs={12} lg={6}>
            <Card>
              <Statistic title={t('coverage')} valueRender={() => <Rate value={reserve.data.coverage} />} />
              <Typography.Text type="secondary">
                {t('reserveBalance')}: <Amount value={reserve.data.balance} />
              </Typography.Text>
            </Card>
          </Col>
        )}
        {approvals.isSuccess && (
          <Col xs={12} lg={6}>
            <Card>
              <Statistic
                title={t('approvalRate')}
                value={decided.total ? `${((decided.approved / decided.total) * 100).toFixed(1)}%` : '—'}
              />
              <Typography.Text type="secondary">
                {t('approvals', decided)} · {t('period', { days: DAYS })}
              </Typography.Text>
            </Card>
          </Col>
        )}
      </Row>
      {batch && items.length > 0 && (
        <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
          <Col xs={24} lg={12}>
            <Card title={t('loansByBucket')}>
              <EChart
                label={t('loansByBucket')}
                option={{
                  tooltip: {},
                  grid: { left: 40, right: 16, top: 16, bottom: 32 },
                  xAxis: axis,
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [{ type: 'bar', name: t('loans'), data: loans }],
                }}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('overdueByBucket')}>
              <EChart
                label={t('overdueByBucket')}
                option={{
                  tooltip: {},
                  grid: { left: 64, right: 16, top: 16, bottom: 32 },
                  xAxis: axis,
                  yAxis: { type: 'value', name: t('amountCny') },
                  series: [
                    {
                      type: 'bar',
                      name: t('amount'),
                      data: BUCKETS.map((b) =>
                        Number(snapshotValue(items, last, 'loans.overdue_amount', b) ?? '0'),
                      ),
                    },
                  ],
                }}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('fundedTrend')}>
              <EChart
                label={t('fundedTrend')}
                option={{
                  tooltip: { trigger: 'axis' },
                  grid: { left: 64, right: 16, top: 16, bottom: 32 },
                  xAxis: { type: 'time' },
                  yAxis: { type: 'value', name: t('amountCny') },
                  series: [
                    {
                      type: 'bar',
                      name: t('fundedVolume'),
                      data: series(items, 'loans.funded_amount'),
                    },
                  ],
                }}
              />
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card title={t('reserveTrend')}>
              <EChart
                label={t('reserveTrend')}
                option={{
                  tooltip: { trigger: 'axis' },
                  grid: { left: 64, right: 16, top: 16, bottom: 32 },
                  xAxis: { type: 'time' },
                  yAxis: { type: 'value', name: t('amountCny') },
                  series: [
                    {
                      type: 'line',
                      name: t('reserveBalance'),
                      data: series(items, 'reserve.balance'),
                    },
                  ],
                }}
              />
            </Card>
          </Col>
        </Row>
      )}
      {batch && <ConsumerCredit items={items} pageAsOf={last} />}
    </>
  );
}
