import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Money } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatMoney, formatRate } from '../../money.ts';
import { cny } from './lending.ts';
import { MyNoteListings } from './MyNoteListings.tsx';
import { NotesTable } from './NotesTable.tsx';
import { type MonthOfReturns, ReturnsChart } from './ReturnsChart.tsx';
import { DateCell } from './ScheduleTable.tsx';

export interface NoteStatement {
  noteId: string;
  loanId: string;
  grade: string;
  annualRate: string;
  loanStatus: string;
  bucket: string;
  origin: string;
  acquiredOn: string;
  originalPrincipal: string;
  outstandingPrincipal: string;
  principalReceived: string;
  interestReceived: string;
  advancedReceived: string;
  saleProceeds: string;
  overdue: string;
  principalToCome: string;
  interestToCome: string;
  nextDue: { date: string; principal: string; interest: string } | null;
}
export interface InvestorStatement {
  invested: string;
  outstandingPrincipal: string;
  principalReceived: string;
  interestReceived: string;
  interestToCome: string;
  overdue: string;
  advancedReceived: string;
  frozenInBids: string;
  xirr: string | null;
  notes: NoteStatement[];
  monthly: MonthOfReturns[];
}
interface Bid {
  id: string;
  loanId: string;
  requested: Money;
  amount: Money;
  source: string;
  status: string;
  createdAt: string;
}

function Figure({ title, value, type }: { title: string; value: string; type?: 'danger' }) {
  return (
    <Card size="small">
      <Statistic
        title={title}
        value={formatMoney(cny(value))}
        styles={
          type === 'danger' && value !== '0.00' ? { content: { color: 'var(--ant-color-error)' } } : undefined
        }
      />
    </Card>
  );
}

/** The investor's statement: totals and XIRR, notes (sell, withdraw), bids, and a returns chart. */
export function Investments() {
  const { t } = useTranslation('invest');
  const statement = useQuery({
    queryKey: ['investments'],
    queryFn: () => api.get<InvestorStatement>('/v1/me/investments'),
  });
  const bids = useQuery({
    queryKey: ['me', 'bids'],
    queryFn: () => api.get<Bid[]>('/v1/me/bids', { limit: 200 }),
  });
  return (
    <>
      <PageTitle>{t('investmentsTitle')}</PageTitle>
      <QueryView query={statement}>
        {(s) => (
          <>
            <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
              <Col xs={12} md={6}>
                <Figure title={t('invested')} value={s.invested} />
              </Col>
              <Col xs={12} md={6}>
                <Figure title={t('outstanding')} value={s.outstandingPrincipal} />
              </Col>
              <Col xs={12} md={6}>
                <Figure title={t('principalReceived')} value={s.principalReceived} />
              </Col>
              <Col xs={12} md={6}>
                <Figure title={t('interestReceived')} value={s.interestReceived} />
              </Col>
              <Col xs={12} md={6}>
                <Figure title={t('interestToCome')} value={s.interestToCome} />
              </Col>
              <Col xs={12} md={6}>
                <Figure title={t('overdue')} value={s.overdue} type="danger" />
              </Col>
              <Col xs={12} md={6}>
                <Figure title={t('advancedReceived')} value={s.advancedReceived} />
              </Col>
              <Col xs={12} md={6}>
                <Figure title={t('frozenInBids')} value={s.frozenInBids} />
              </Col>
              <Col xs={24}>
                <Card size="small">
                  <Statistic title={t('xirr')} value={s.xirr === null ? t('xirrNone') : formatRate(s.xirr)} />
                </Card>
              </Col>
            </Row>
            <Tabs
              items={[
                {
                  key: 'notes',
                  label: t('notesTab', { count: s.notes.length }),
                  children: <NotesTable notes={s.notes} />,
                },
                {
                  key: 'bids',
                  label: t('bidsTab'),
                  children: (
                    <QueryView query={bids}>
                      {(list) => (
                        <Table<Bid>
                          size="small"
                          rowKey="id"
                          dataSource={list}
                          scroll={{ x: true }}
                          pagination={{ pageSize: 20, hideOnSinglePage: true }}
                          columns={[
                            {
                              title: t('date'),
                              dataIndex: 'createdAt',
                              render: (d: string) => <DateCell value={d} />,
                            },
                            {
                              title: t('listing'),
                              dataIndex: 'loanId',
                              render: (id: string) => <Link to={`/market/${id}`}>{id.slice(-8)}</Link>,
                            },
                            {
                              title: t('requested'),
                              dataIndex: 'requested',
                              render: (m: Money) => <Amount value={m} />,
                            },
                            {
                              title: t('accepted'),
                              dataIndex: 'amount',
                              render: (m: Money) => <Amount value={m} />,
                            },
                            {
                              title: t('source'),
                              dataIndex: 'source',
                              render: (v: string) => t(`bidSource.${v}`),
                            },
                            {
                              title: t('status'),
                              dataIndex: 'status',
                              render: (v: string) => <Tag>{t(`bidStatus.${v}`)}</Tag>,
                            },
                          ]}
                        />
                      )}
                    </QueryView>
                  ),
                },
                { key: 'selling', label: t('sellingTab'), children: <MyNoteListings /> },
                {
                  key: 'chart',
                  label: t('chartTab'),
                  children: s.monthly.length ? (
                    <ReturnsChart months={s.monthly} />
                  ) : (
                    <Typography.Text type="secondary">{t('noNotes')}</Typography.Text>
                  ),
                },
              ]}
            />
          </>
        )}
      </QueryView>
    </>
  );
}
