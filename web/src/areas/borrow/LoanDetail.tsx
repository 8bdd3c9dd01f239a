import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Row, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ContractLink } from '../contracts/ContractLink.tsx';
import { cny, fromMinor, toMinor } from '../invest/lending.ts';
import { DateCell } from '../invest/ScheduleTable.tsx';
import { type Installment, type LoanView, loanState } from './loan-view.ts';
import { PayoffCard } from './PayoffCard.tsx';
import { RaisingProgress } from './RaisingProgress.tsx';
import { RepayCard } from './RepayCard.tsx';
import { RatePair, StateTag } from './StateTag.tsx';

const INSTALMENT_COLORS: Record<string, string> = {
  scheduled: 'default',
  due: 'gold',
  paid: 'green',
  overdue: 'red',
  partly_paid: 'orange',
};

/** One of my loans: its state, schedule, and the ways to repay it. */
export function LoanDetail() {
  const { t } = useTranslation('borrow');
  const navigate = useNavigate();
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: ['my-loan', id],
    queryFn: () => api.get<LoanView>(`/v1/me/loans/${id}`),
  });
  return (
    <>
      <PageTitle
        extra={
          <Space>
            <ContractLink subjectId={id} />
            <Link to="/loans">{t('backToLoans')}</Link>
          </Space>
        }
      >
        {t('loanTitle')}
      </PageTitle>
      <QueryView query={query}>
        {(view) => {
          const { loan } = view;
          const state = loanState(view);
          return (
            <Row gutter={[16, 16]}>
              <Col xs={24}>
                <Card>
                  {(loan.status === 'listing' || loan.status === 'full') && (
                    <Alert
                      type="info"
                      showIcon
                      style={{ marginBottom: 12 }}
                      title={t('stillListing')}
                      description={<RaisingProgress loan={loan} />}
                      action={
                        <Button size="small" onClick={() => navigate(`/market/${loan.id}`)}>
                          {t('followListing')}
                        </Button>
                      }
                    />
                  )}
                  {state === 'overdue' && (
                    <Alert
                      type="error"
                      showIcon
                      style={{ marginBottom: 12 }}
                      title={t('overdueAlert', { days: view.dpd, bucket: view.bucket })}
                    />
                  )}
                  <Descriptions size="small" bordered column={{ xs: 1, sm: 2, lg: 3 }}>
                    <Descriptions.Item label={t('status')}>
                      <StateTag view={view} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('loanAmount')}>
                      <Amount value={loan.amount} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('rates')}>
                      <RatePair loan={loan} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('grade')}>{loan.grade}</Descriptions.Item>
                    <Descriptions.Item label={t('term')}>
                      {t(loan.termUnit === 'day' ? 'termDays' : 'termMonths', { count: loan.term })} ·{' '}
                      {t(`invest:methods.${loan.method}`)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('outstanding')}>
                      {loan.disbursedAt ? <Amount value={cny(view.principalOutstanding)} /> : '—'}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('dueNow')}>
                      <Amount value={cny(view.due)} type={view.due !== '0.00' ? 'danger' : undefined} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('nextDue')}>
                      {view.nextDue ? (
                        <span>
                          {formatDate(view.nextDue.date)} · <Amount value={cny(view.nextDue.amount)} />
                        </span>
                      ) : (
                        '—'
                      )}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('started')}>{formatDate(loan.startDate)}</Descriptions.Item>
                    <Descriptions.Item label={t('daysPastDue')}>
                      {view.dpd > 0
                        ? t('dpdBucket', { days: view.dpd, bucket: view.bucket })
                        : t('notOverdue')}
                    </Descriptions.Item>
                  </Descriptions>
                </Card>
              </Col>
              {loan.status === 'active' && (
                <>
                  <Col xs={24} lg={12}>
                    <RepayCard view={view} />
                  </Col>
                  <Col xs={24} lg={12}>
                    <PayoffCard view={view} />
                  </Col>
                </>
              )}
              <Col xs={24}>
                <Card title={t('scheduleTitle')}>
                  <Table<Installment>
                    size="small"
                    rowKey="period"
                    dataSource={view.installments}
                    scroll={{ x: true }}
                    pagination={false}
                    locale={{ emptyText: t('noSchedule') }}
                    columns={[
                      { title: t('period'), dataIndex: 'period' },
                      {
                        title: t('dueDate'),
                        dataIndex: 'dueDate',
                        render: (d: string) => <DateCell value={d} />,
                      },
                      {
                        title: t('principal'),
                        dataIndex: 'principal',
                        align: 'right',
                        render: (v: string) => <Amount value={cny(v)} />,
                      },
                      {
                        title: t('interest'),
                        dataIndex: 'interest',
                        align: 'right',
                        render: (v: string) => <Amount value={cny(v)} />,
                      },
                      {
                        title: t('fees'),
                        key: 'fees',
                        align: 'right',
                        render: (_, i) => <Amount value={cny(feesOf(i))} />,
                      },
                      {
                        title: t('paid'),
                        dataIndex: 'paid',
                        align: 'right',
                        render: (v: string) => <Amount value={cny(v)} />,
                      },
                      {
                        title: t('stillOwed'),
                        dataIndex: 'outstanding',
                        align: 'right',
                        render: (v: string) => <Amount value={cny(v)} strong />,
                      },
                      {
                        title: t('status'),
                        dataIndex: 'status',
                        render: (s: string) => (
                          <Tag color={INSTALMENT_COLORS[s]}>{t(`instalmentStatus.${s}`)}</Tag>
                        ),
                      },
                    ]}
                  />
                </Card>
              </Col>
            </Row>
          );
        }}
      </QueryView>
    </>
  );
}

function feesOf(i: Installment): string {
  return fromMinor(toMinor(i.fee) + toMinor(i.penalty));
}
