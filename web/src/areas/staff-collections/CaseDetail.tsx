import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Row, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, PageTitle, QueryView, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { regionName } from '../../regions.ts';
import { AssignCase } from './AssignCase.tsx';
import { CallButton } from './CallButton.tsx';
import { ContactHistory, Promises, Schedule } from './CaseTables.tsx';
import { LineCard } from './LineCard.tsx';
import { LogContact } from './LogContact.tsx';
import { type CaseDetailView, cny } from './types.ts';
import { useCollectors } from './useCollectors.ts';

/** A case: the borrower (masked), the loan and its schedule or the credit line, the contacts and promises; log a contact. */
export function CaseDetail() {
  const { t } = useTranslation('staffCollections');
  const { id } = useParams();
  const { supervisor, nameOf } = useCollectors();
  const detail = useQuery({
    queryKey: ['collections', 'case', id],
    queryFn: () => api.get<CaseDetailView>(`/v1/collections/cases/${id}`),
  });
  return (
    <>
      <PageTitle extra={<Link to="/staff/collections">{t('back')}</Link>}>{t('caseTitle')}</PageTitle>
      <QueryView query={detail}>
        {(d) => (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={12}>
                <Card title={t('borrower')} size="small" style={{ height: '100%' }}>
                  <Descriptions
                    column={1}
                    size="small"
                    items={[
                      { key: 'name', label: t('name'), children: d.borrower.name ?? '—' },
                      {
                        key: 'phone',
                        label: t('phone'),
                        children: (
                          <Space wrap>
                            {d.borrower.phone ?? '—'}
                            {d.case.status === 'open' && d.borrower.phone && (
                              <CallButton
                                caseId={d.case.id}
                                target="borrower"
                                who={t('relations.borrower')}
                              />
                            )}
                          </Space>
                        ),
                      },
                      { key: 'region', label: t('region'), children: regionName(d.borrower.region) },
                      {
                        key: 'contacts',
                        label: t('registeredContacts'),
                        children: d.borrower.contacts.length ? (
                          <Space orientation="vertical" size={4}>
                            {d.borrower.contacts.map((c) => (
                              <Space key={c.id} wrap>
                                {`${c.name} (${t(`relations.${c.relation}`)}) ${c.phone}`}
                                {d.case.status === 'open' && (
                                  <CallButton caseId={d.case.id} target={c.id} who={c.name} />
                                )}
                              </Space>
                            ))}
                          </Space>
                        ) : (
                          '—'
                        ),
                      },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('caseTitle')} size="small" style={{ height: '100%' }}>
                  <Descriptions
                    column={{ xs: 1, sm: 2 }}
                    size="small"
                    items={[
                      {
                        key: 'status',
                        label: t('status'),
                        children: (
                          <Tag>{t(`statuses.${d.case.status}`, { defaultValue: d.case.status })}</Tag>
                        ),
                      },
                      { key: 'stage', label: t('stage'), children: d.case.stage },
                      { key: 'dpd', label: t('dpd'), children: d.case.dpd },
                      {
                        key: 'overdue',
                        label: t('overdue'),
                        children: <Amount value={cny(d.case.overdueAmount)} strong />,
                      },
                      { key: 'priority', label: t('priority'), children: d.case.priority },
                      { key: 'broken', label: t('brokenPromises'), children: d.case.brokenPromises },
                      {
                        key: 'assigned',
                        label: t('assignedTo'),
                        children: nameOf(d.case.assignedTo),
                      },
                      { key: 'opened', label: t('openedOn'), children: formatDate(d.case.openedOn) },
                    ]}
                  />
                </Card>
              </Col>
            </Row>
            {d.loan && (
              <Card title={t('loan')} size="small">
                <Descriptions
                  column={{ xs: 1, sm: 2, lg: 4 }}
                  size="small"
                  items={[
                    {
                      key: 'amount',
                      label: t('amount'),
                      children: <Amount value={cny(d.loan.loan.amount)} />,
                    },
                    { key: 'rate', label: t('rate'), children: <Rate value={d.loan.loan.annualRate} /> },
                    { key: 'term', label: t('term'), children: t('termMonths', { count: d.loan.loan.term }) },
                    {
                      key: 'loanStatus',
                      label: t('status'),
                      children: t(`statuses.${d.loan.loan.status}`, { defaultValue: d.loan.loan.status }),
                    },
                    {
                      key: 'principal',
                      label: t('principalOutstanding'),
                      children: <Amount value={cny(d.loan.principalOutstanding)} />,
                    },
                    { key: 'due', label: t('due'), children: <Amount value={cny(d.loan.due)} strong /> },
                    {
                      key: 'next',
                      label: t('nextDue'),
                      children: d.loan.nextDue ? (
                        <span>
                          <Amount value={cny(d.loan.nextDue.amount)} /> · {formatDate(d.loan.nextDue.date)}
                        </span>
                      ) : (
                        '—'
                      ),
                    },
                    {
                      key: 'payoff',
                      label: t('payoff'),
                      children: d.loan.payoff ? <Amount value={cny(d.loan.payoff.total)} /> : '—',
                    },
                  ]}
                />
              </Card>
            )}
            {d.line && <LineCard line={d.line} />}
            <Row gutter={[16, 16]}>
              {d.case.status === 'open' && (
                <Col xs={24} lg={supervisor ? 16 : 24}>
                  <LogContact detail={d} />
                </Col>
              )}
              {supervisor && d.case.status === 'open' && (
                <Col xs={24} lg={8}>
                  <AssignCase current={d.case} />
                </Col>
              )}
            </Row>
            <Promises promises={d.promises} />
            <ContactHistory detail={d} nameOf={nameOf} />
            {d.loan && <Schedule installments={d.loan.installments} />}
          </Space>
        )}
      </QueryView>
    </>
  );
}
