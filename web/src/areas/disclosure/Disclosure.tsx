import { useQuery } from '@tanstack/react-query';
import { Alert, Col, Row, Skeleton, Table, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, Figure, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatRate } from '../../money.ts';

/** GET /v1/disclosure: the figures of the last day-close, counts, amounts and ratios only. */
interface DisclosureFigures {
  lentTotal: Money;
  loansTotal: number;
  outstandingPrincipal: Money;
  outstandingLoans: number;
  borrowersTotal: number;
  borrowersCurrent: number;
  investorsTotal: number;
  investorsCurrent: number;
  top10Share: string | null;
  overdue: {
    amount: Money;
    count: number;
    rate: string | null;
    buckets: { bucket: 'M1' | 'M2' | 'M3' | 'M3+'; amount: Money; count: number }[];
  };
  reserveBalance: Money;
  reserveCoverage: string | null;
  advancesTotal: Money;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={{ marginTop: 24 }} aria-label={title}>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        {title}
      </Typography.Title>
      {children}
    </section>
  );
}

/** The public disclosure (信息披露): anyone may read it, signed in or not. */
export function Disclosure() {
  const { t, i18n } = useTranslation('disclosure');
  const query = useQuery({
    queryKey: ['disclosure'],
    queryFn: () =>
      api.get<{ businessDate: string | null; figures: DisclosureFigures | null }>('/v1/disclosure'),
  });
  const count = (n: number) => n.toLocaleString(i18n.language === 'zh' ? 'zh-CN' : 'en-GB');
  const grid = (items: { key: string; label: string; value: ReactNode; note?: string }[]) => (
    <Row gutter={[12, 12]}>
      {items.map((item) => (
        <Col key={item.key} xs={12} md={6}>
          <Figure label={item.label} value={item.value} note={item.note} />
        </Col>
      ))}
    </Row>
  );
  const body = () => {
    if (query.isPending) return <Skeleton active />;
    if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
    const { businessDate, figures: f } = query.data;
    if (!f || !businessDate) return <Alert type="info" showIcon title={t('notYet')} />;
    return (
      <div data-testid="disclosure">
        <Typography.Paragraph type="secondary">
          {t('asOf', { date: formatDate(businessDate) })}
        </Typography.Paragraph>
        <Section title={t('lending')}>
          {grid([
            { key: 'lent', label: t('lentTotal'), value: <Amount value={f.lentTotal} /> },
            { key: 'loans', label: t('loansTotal'), value: count(f.loansTotal) },
            { key: 'outstanding', label: t('outstanding'), value: <Amount value={f.outstandingPrincipal} /> },
            { key: 'outstandingLoans', label: t('outstandingLoans'), value: count(f.outstandingLoans) },
          ])}
        </Section>
        <Section title={t('people')}>
          {grid([
            { key: 'borrowersTotal', label: t('borrowersTotal'), value: count(f.borrowersTotal) },
            { key: 'borrowersCurrent', label: t('borrowersCurrent'), value: count(f.borrowersCurrent) },
            { key: 'investorsTotal', label: t('investorsTotal'), value: count(f.investorsTotal) },
            { key: 'investorsCurrent', label: t('investorsCurrent'), value: count(f.investorsCurrent) },
            {
              key: 'top10',
              label: t('top10Share'),
              value: f.top10Share === null ? t('none') : formatRate(f.top10Share),
              note: t('top10Note'),
            },
          ])}
        </Section>
        <Section title={t('overdueTitle')}>
          {grid([
            { key: 'overdueAmount', label: t('overdueAmount'), value: <Amount value={f.overdue.amount} /> },
            { key: 'overdueCount', label: t('overdueCount'), value: count(f.overdue.count) },
            {
              key: 'overdueRate',
              label: t('overdueRate'),
              value: f.overdue.rate === null ? t('none') : formatRate(f.overdue.rate),
              note: t('overdueRateNote'),
            },
          ])}
          <Table
            style={{ marginTop: 12 }}
            size="small"
            pagination={false}
            rowKey="bucket"
            dataSource={f.overdue.buckets}
            columns={[
              { key: 'bucket', title: t('bucket'), render: (_, r) => t(r.bucket) },
              {
                key: 'amount',
                title: t('amount'),
                align: 'right',
                render: (_, r) => <Amount value={r.amount} />,
              },
              { key: 'count', title: t('count'), align: 'right', render: (_, r) => count(r.count) },
            ]}
          />
        </Section>
        <Section title={t('reserveTitle')}>
          {grid([
            { key: 'reserve', label: t('reserveBalance'), value: <Amount value={f.reserveBalance} /> },
            {
              key: 'coverage',
              label: t('reserveCoverage'),
              value: f.reserveCoverage === null ? t('noOverdue') : formatRate(f.reserveCoverage, 0),
            },
            { key: 'advances', label: t('advancesTotal'), value: <Amount value={f.advancesTotal} /> },
          ])}
        </Section>
      </div>
    );
  };
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Typography.Paragraph>{t('intro')}</Typography.Paragraph>
      {body()}
    </>
  );
}
