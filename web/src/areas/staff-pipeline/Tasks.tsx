import { useQuery } from '@tanstack/react-query';
import { Card, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { can, useMe } from '../../session.tsx';
import { TaskTable } from './TaskTable.tsx';
import type { Task } from './types.ts';

/** My follow-up tasks by due time: open ones first, or done and cancelled ones. */
export function Tasks() {
  const { t } = useTranslation('staffPipeline');
  const me = useMe().data;
  const [status, setStatus] = useState('open');
  const tasks = useQuery({
    queryKey: ['crm', 'tasks', 'me', status],
    queryFn: () => api.get<{ items: Task[] }>('/v1/crm/tasks', { owner: 'me', status, limit: 200 }),
  });
  return (
    <>
      <PageTitle
        extra={
          <Select
            aria-label={t('status')}
            style={{ minWidth: 140 }}
            value={status}
            onChange={setStatus}
            options={['open', 'done', 'cancelled'].map((s) => ({ value: s, label: t(`taskStatuses.${s}`) }))}
          />
        }
      >
        {t('tasksTitle')}
      </PageTitle>
      <Card>
        {tasks.isError ? (
          <ErrorAlert error={tasks.error} onRetry={() => void tasks.refetch()} />
        ) : (
          <TaskTable tasks={tasks.data?.items} loading={tasks.isPending} manager={can(me, 'crm:manage')} />
        )}
      </Card>
    </>
  );
}
