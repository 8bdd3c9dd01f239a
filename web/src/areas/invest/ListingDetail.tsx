import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Progress, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, PageTitle, QueryView, Rate, RiskLevel } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { progressPercent } from '../../money.ts';
import { regionName } from '../../regions.ts';
import { InvestForm } from './InvestForm.tsx';
import { GradeTag, TimeLeft, termText } from './ListingCard.tsx';
import type { Loan, Schedule } from './lending.ts';
import { ScheduleTable } from './ScheduleTable.tsx';

/** One listing: terms, the masked borrower, progress, the schedule, and the invest form. */
export function ListingDetail() {
  const { t } = useTranslation('invest');
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: ['lending', 'listing', id],
    queryFn: () => api.get<{ loan: Loan; schedule: Schedule }>(`/v1/lending/listings/${id}`),
    // A listing fills while it is watched: refresh its progress.
    refetchInterval: (q) => (q.state.data?.loan.status === 'listing' ? 15_000 : false),
  });
  return (
    <>
      <PageTitle extra={<Link to="/market">{t('backToMarket')}</Link>}>{t('listingTitle')}</PageTitle>
      <QueryView query={query}>
        {({ loan, schedule }) => {
          const b = loan.borrower as Record<string, string | number | undefined>;
          return (
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={14}>
                <Card>
                  <Typography.Title level={4} style={{ marginTop: 0 }}>
                    <GradeTag grade={loan.grade} /> {t(`purpose.${loan.purpose}`)}{' '}
                    <Tag>{t(`loanStatus.${loan.status}`)}</Tag>
                  </Typography.Title>
                  <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
                    <Descriptions.Item label={t('annualRate')}>
                      <Rate value={loan.annualRate} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('apr')}>
                      <Rate value={loan.apr} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('term')}>{termText(t, loan)}</Descriptions.Item>
                    <Descriptions.Item label={t('loanAmount')}>
                      <Amount value={loan.amount} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('method')}>{t(`methods.${loan.method}`)}</Descriptions.Item>
                    <Descriptions.Item label={t('riskLevel')}>
                      <RiskLevel level={loan.riskLevel} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('timeLeft')}>
                      {loan.status === 'listing' ? <TimeLeft loan={loan} /> : '—'} (
                      {formatDate(loan.expiresOn)})
                    </Descriptions.Item>
                  </Descriptions>
                  <Typography.Title level={5}>{t('progress')}</Typography.Title>
                  {loan.raised ? (
                    <>
                      <Progress
                        percent={progressPercent(loan.raised, loan.amount)}
                        aria-label={t('progress')}
                      />
                      <Typography.Text type="secondary">
                        <Amount value={loan.raised} /> / <Amount value={loan.amount} />
                      </Typography.Text>
                    </>
                  ) : (
                    '—'
                  )}
                  <Typography.Title level={5}>{t('borrower')}</Typography.Title>
                  <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
                    <Descriptions.Item label={t('borrowerName')}>{String(b.name ?? '—')}</Descriptions.Item>
                    <Descriptions.Item label={t('region')}>
                      {regionName(b.region as string | null | undefined)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('ageBand')}>{String(b.ageBand ?? '—')}</Descriptions.Item>
                    <Descriptions.Item label={t('kycLevel')}>
                      {b.kycLevel === undefined || b.kycLevel === null
                        ? '—'
                        : t(`common:kycLevels.${String(b.kycLevel)}`, { defaultValue: String(b.kycLevel) })}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('previousLoans')}>
                      {String(b.previousLoans ?? 0)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('repaidLoans')}>
                      {String(b.repaidLoans ?? 0)}
                    </Descriptions.Item>
                  </Descriptions>
                </Card>
              </Col>
              <Col xs={24} lg={10}>
                <InvestForm key={loan.id} loan={loan} />
              </Col>
              <Col xs={24}>
                <Card title={t('schedule')}>
                  <Typography.Paragraph type="secondary">{t('scheduleHint')}</Typography.Paragraph>
                  <ScheduleTable schedule={schedule} />
                </Card>
              </Col>
            </Row>
          );
        }}
      </QueryView>
    </>
  );
}
