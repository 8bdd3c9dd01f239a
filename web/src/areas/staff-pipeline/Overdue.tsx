import { useQuery } from '@tanstack/react-query';
import { Card, Space, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { TaskTable } from './TaskTable.tsx';
import type { Overdue as OverdueView } from './types.ts';

/** The manager's view: overdue follow-ups counted per owner, and the list to reassign from. */
export function Overdue() {
  const { t } = useTranslation('staffPipeline');
  const overdue = useQuery({
    queryKey: ['crm', 'overdue'],
    queryFn: () => api.get<OverdueView>('/v1/crm/pipeline/overdue', { limit: 200 }),
  });
  return (
    <>
      <PageTitle>{t('overdueTitle')}</PageTitle>
      {overdue.isError && <ErrorAlert error={overdue.error} onRetry={() => void overdue.refetch()} />}
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card
          title={overdue.data ? t('asOf', { time: formatDate(overdue.data.asOf) }) : ' '}
          loading={overdue.isPending}
        >
          <Table
            size="small"
            rowKey={(row) => row.owner.id}
            pagination={false}
            dataSource={overdue.data?.owners}
            columns={[
              { title: t('owner'), key: 'owner', render: (_v, row) => row.owner.name ?? row.owner.id },
              { title: t('count'), dataIndex: 'count', align: 'right' },
              { title: t('oldest'), dataIndex: 'oldestDueAt', render: (v: string) => formatDate(v) },
            ]}
          />
        </Card>
        <Card title={t('tasks')}>
          <TaskTable tasks={overdue.data?.tasks} loading={overdue.isPending} showOwner manager />
        </Card>
      </Space>
    </>
  );
}
