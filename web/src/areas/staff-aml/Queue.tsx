import { useQuery } from '@tanstack/react-query';
import { Card, Select, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { type AmlAlert, type AmlCase, type CaseStatus, caseRef } from './types.ts';

const STATUSES: CaseStatus[] = ['open', 'monitoring', 'dismissed', 'reported'];
const STATUS_COLOURS: Record<CaseStatus, string> = {
  open: 'orange',
  monitoring: 'blue',
  dismissed: 'default',
  reported: 'red',
};

export function StatusTag({ status }: { status: CaseStatus }) {
  const { t } = useTranslation('staffAml');
  return <Tag color={STATUS_COLOURS[status]}>{t(`status.${status}`)}</Tag>;
}

/** The compliance officers' queue: cases by status, and the latest alerts. */
export function Queue() {
  const { t } = useTranslation('staffAml');
  const [status, setStatus] = useState<CaseStatus | undefined>('open');
  const cases = useQuery({
    queryKey: ['aml', 'cases', status],
    queryFn: () => api.get<{ items: AmlCase[] }>('/v1/aml/cases', { status, limit: 200 }),
  });
  const alerts = useQuery({
    queryKey: ['aml', 'alerts'],
    queryFn: () => api.get<{ items: AmlAlert[] }>('/v1/aml/alerts', { limit: 200 }),
  });
  const caseLink = (id: string) => (
    <Link to={`/staff/aml/cases/${id}`} aria-label={t('queue.openCase', { ref: caseRef(id) })}>
      {caseRef(id)}
    </Link>
  );
  return (
    <>
      <PageTitle>{t('queue.title')}</PageTitle>
      <Card>
        <Tabs
          items={[
            {
              key: 'cases',
              label: t('queue.cases'),
              children: (
                <>
                  <Select
                    allowClear
                    aria-label={t('queue.status')}
                    placeholder={t('queue.anyStatus')}
                    style={{ width: 180, marginBottom: 16 }}
                    value={status}
                    onChange={setStatus}
                    options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
                  />
                  {cases.isError && <ErrorAlert error={cases.error} onRetry={() => void cases.refetch()} />}
                  <Table<AmlCase>
                    rowKey="id"
                    size="small"
                    loading={cases.isPending}
                    dataSource={cases.data?.items ?? []}
                    pagination={{ pageSize: 50 }}
                    scroll={{ x: 'max-content' }}
                    aria-label={t('queue.cases')}
                    columns={[
                      { key: 'ref', title: t('queue.case'), render: (_, c) => caseLink(c.id) },
                      {
                        key: 'status',
                        title: t('queue.status'),
                        render: (_, c) => <StatusTag status={c.status} />,
                      },
                      {
                        key: 'customer',
                        title: t('queue.customer'),
                        render: (_, c) => String(c.portrait.maskedName ?? c.customerId.slice(-8)),
                      },
                      {
                        key: 'rules',
                        title: t('queue.rules'),
                        render: (_, c) => c.rules.map((r) => <Tag key={r}>{t(`rule.${r}`)}</Tag>),
                      },
                      { key: 'alerts', title: t('queue.alerts'), dataIndex: 'alertCount' },
                      { key: 'assigned', title: t('queue.assigned'), render: (_, c) => c.assignedTo ?? '—' },
                      { key: 'opened', title: t('queue.opened'), render: (_, c) => formatDate(c.openedAt) },
                    ]}
                  />
                </>
              ),
            },
            {
              key: 'alerts',
              label: t('queue.alertsTab'),
              children: (
                <>
                  {alerts.isError && (
                    <ErrorAlert error={alerts.error} onRetry={() => void alerts.refetch()} />
                  )}
                  <Table<AmlAlert>
                    rowKey="id"
                    size="small"
                    loading={alerts.isPending}
                    dataSource={alerts.data?.items ?? []}
                    pagination={{ pageSize: 50 }}
                    scroll={{ x: 'max-content' }}
                    aria-label={t('queue.alertsTab')}
                    columns={[
                      { key: 'rule', title: t('queue.rule'), render: (_, a) => t(`rule.${a.ruleCode}`) },
                      { key: 'date', title: t('queue.date'), dataIndex: 'businessDate' },
                      { key: 'version', title: t('queue.version'), dataIndex: 'ruleSetVersion' },
                      { key: 'case', title: t('queue.case'), render: (_, a) => caseLink(a.caseId) },
                    ]}
                  />
                </>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
