import { Card, Col, Flex, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Amount, ErrorAlert, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatDecimal } from '../../money.ts';
import { useMe } from '../../session.tsx';
import { latestByDimension, useCatalogue, useSeries } from './data.ts';
import { type Area, casesOf, usersList } from './links.ts';

/** The figures of the day, each with its page and, where one exists, the list behind it. */
const FIGURES: readonly {
  readonly metric: string;
  readonly title: string;
  readonly area: Area;
  readonly list?: 'users' | 'cases';
}[] = [
  { metric: 'users.signups', title: 'signups', area: 'users', list: 'users' },
  { metric: 'users.dau', title: 'dau', area: 'users' },
  { metric: 'marketplace.disbursed_amount', title: 'disbursed', area: 'marketplace' },
  { metric: 'risk.approval_rate', title: 'approvalRate', area: 'risk' },
  { metric: 'risk.delinquency_rate', title: 'delinquencyRate', area: 'risk', list: 'cases' },
  { metric: 'risk.reserve_coverage', title: 'reserveCoverage', area: 'risk' },
];

/**
 * The platform's figures of the last computed date (GET /v1/analytics/metrics's latestDate): on the
 * staff console's home page and at the top of the analytics pages.
 */
export function TodayFigures() {
  const { t } = useTranslation('staffAnalytics');
  const me = useMe().data;
  const catalogue = useCatalogue();
  const date = catalogue.data?.latestDate ?? undefined;
  const names = new Map(catalogue.data?.items.map((m) => [m.name, m]) ?? []);
  const present = FIGURES.map((f) => f.metric).filter((m) => names.has(m));
  const series = useSeries(
    date && present.length > 0 ? { metrics: present, from: date, to: date, granularity: 'day' } : undefined,
  );
  const failed = catalogue.isError ? catalogue : series.isError ? series : undefined;
  return (
    <section aria-label={t('today.title')} style={{ marginTop: 24 }} data-testid="analytics-today">
      <Flex justify="space-between" align="baseline" wrap gap={8}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('today.title')}
        </Typography.Title>
        {catalogue.data && (
          <Typography.Text type="secondary">
            {date ? t('asOf', { date: formatDate(date) }) : t('noData')}
          </Typography.Text>
        )}
      </Flex>
      {failed && <ErrorAlert error={failed.error} onRetry={() => void failed.refetch()} />}
      <Row gutter={[16, 16]}>
        {FIGURES.map((figure) => {
          const s = series.data?.items.find((i) => i.metric === figure.metric);
          const value = latestByDimension(s).get('')?.value;
          const list =
            figure.list === 'users' ? usersList(me) : figure.list === 'cases' ? casesOf(me) : undefined;
          const shown =
            value === undefined ? (
              <span style={{ fontSize: 16 }}>{t('today.notYet')}</span>
            ) : s?.unit === 'money' ? (
              <Amount value={{ amount: value, currency: s.currency ?? 'CNY' }} strong />
            ) : s?.unit === 'ratio' ? (
              <Rate value={value} />
            ) : (
              formatDecimal(value, 0)
            );
          const page = t(`areas.${figure.area}`);
          return (
            <Col key={figure.metric} xs={24} md={12} lg={8}>
              <Card
                size="small"
                style={{ height: '100%' }}
                loading={catalogue.isPending || (series.isPending && series.fetchStatus !== 'idle')}
                data-testid={`today-${figure.title}`}
              >
                <Statistic
                  title={t(`today.${figure.title}`)}
                  valueRender={() =>
                    list && value !== undefined ? (
                      <Link
                        to={list}
                        aria-label={`${t(`today.${figure.title}`)}: ${t(figure.list === 'users' ? 'today.usersList' : 'today.collectionsList')}`}
                      >
                        {shown}
                      </Link>
                    ) : (
                      shown
                    )
                  }
                />
                <Link
                  to={`/staff/analytics/${figure.area}`}
                  style={{ display: 'inline-block', marginTop: 8 }}
                >
                  {t('open', { page })}
                </Link>
              </Card>
            </Col>
          );
        })}
      </Row>
    </section>
  );
}
