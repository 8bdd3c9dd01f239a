import { useQueries, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Descriptions, Empty, Row, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, type Money } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { cny } from '../invest/lending.ts';
import { DateCell } from '../invest/ScheduleTable.tsx';
import type { LoanView } from './loan-view.ts';
import { RaisingProgress } from './RaisingProgress.tsx';
import { RatePair, StateTag } from './StateTag.tsx';

interface Application {
  id: string;
  status: string;
  amount: Money;
  term: number;
  purpose: string;
  reasons: string[];
  loanId: string | null;
  createdAt: string;
}

function LoanCard({ view }: { view: LoanView }) {
  const { t } = useTranslation('borrow');
  const navigate = useNavigate();
  const { loan } = view;
  return (
    <Card
      size="small"
      title={
        <span>
          <Amount value={loan.amount} strong /> · {t(`invest:purpose.${loan.purpose}`)}
        </span>
      }
      extra={<StateTag view={view} />}
    >
      {(loan.status === 'listing' || loan.status === 'full') && <RaisingProgress loan={loan} />}
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('rates')} span={2}>
          <RatePair loan={loan} />
        </Descriptions.Item>
        <Descriptions.Item label={t('term')}>
          {t(loan.termUnit === 'day' ? 'termDays' : 'termMonths', { count: loan.term })}
        </Descriptions.Item>
        <Descriptions.Item label={t('outstanding')}>
          {view.loan.disbursedAt ? <Amount value={cny(view.principalOutstanding)} /> : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('dueNow')}>
          <Amount value={cny(view.due)} type={view.due !== '0.00' ? 'danger' : undefined} />
        </Descriptions.Item>
        <Descriptions.Item label={t('nextDue')} span={2}>
          {view.nextDue ? (
            <span>
              {formatDate(view.nextDue.date)} · <Amount value={cny(view.nextDue.amount)} />
            </span>
          ) : (
            '—'
          )}
        </Descriptions.Item>
      </Descriptions>
      <Button
        block
        type="primary"
        onClick={() => navigate(`/loans/${loan.id}`)}
        aria-label={t('openLoanOf', { id: loan.id.slice(-8) })}
      >
        {t('openLoan')}
      </Button>
    </Card>
  );
}

/** The borrower's loans and applications. */
export function Loans() {
  const { t } = useTranslation('borrow');
  const navigate = useNavigate();
  const loans = useQuery({ queryKey: ['my-loans'], queryFn: () => api.get<LoanView[]>('/v1/me/loans') });
  const applications = useQuery({
    queryKey: ['my-applications'],
    queryFn: () => api.get<Application[]>('/v1/lending/applications'),
  });
  // GET /v1/me/loans lists disbursed loans only; a listed application's loan (listing, full, failed) is
  // read one by one, so that the borrower can follow it from here.
  const known = new Set(loans.data?.map((v) => v.loan.id));
  const pendingIds = loans.data
    ? (applications.data ?? []).flatMap((a) => (a.loanId && !known.has(a.loanId) ? [a.loanId] : []))
    : [];
  const pending = useQueries({
    queries: pendingIds.map((id) => ({
      queryKey: ['my-loan', id],
      queryFn: () => api.get<LoanView>(`/v1/me/loans/${id}`),
    })),
  }).flatMap((q) => (q.data ? [q.data] : []));
  return (
    <>
      <PageTitle extra={<Button onClick={() => navigate('/borrow')}>{t('applyTitle')}</Button>}>
        {t('loansTitle')}
      </PageTitle>
      <QueryView query={loans}>
        {(list) => {
          const all = [...pending, ...list];
          return all.length === 0 ? (
            <Empty description={t('noLoans')} />
          ) : (
            <Row gutter={[16, 16]}>
              {all.map((view) => (
                <Col key={view.loan.id} xs={24} md={12} xl={8}>
                  <LoanCard view={view} />
                </Col>
              ))}
            </Row>
          );
        }}
      </QueryView>
      <Typography.Title level={4} style={{ marginTop: 24 }}>
        {t('applications')}
      </Typography.Title>
      <QueryView query={applications}>
        {(list) => (
          <Table<Application>
            size="small"
            rowKey="id"
            dataSource={list}
            scroll={{ x: true }}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: t('noApplications') }}
            columns={[
              { title: t('date'), dataIndex: 'createdAt', render: (d: string) => <DateCell value={d} /> },
              { title: t('loanAmount'), dataIndex: 'amount', render: (m: Money) => <Amount value={m} /> },
              { title: t('purpose'), dataIndex: 'purpose', render: (p: string) => t(`invest:purpose.${p}`) },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (s: string) => <Tag>{t(`applicationStatus.${s}`, { defaultValue: s })}</Tag>,
              },
              {
                title: t('reasons'),
                dataIndex: 'reasons',
                render: (r: string[]) =>
                  r.length
                    ? r.map((x) => t(`reason.${x.split(':')[0]}`, { defaultValue: x })).join('; ')
                    : '—',
              },
            ]}
          />
        )}
      </QueryView>
    </>
  );
}
