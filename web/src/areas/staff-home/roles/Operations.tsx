import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api.ts';
import { formatDate } from '../../../i18n/index.ts';
import { Dashboard } from '../../staff-ops/Dashboard.tsx';
import { RoleSection, type SectionProps, text } from '../RoleSection.tsx';

interface Run {
  businessDate: string;
  status: 'running' | 'done';
  finishedAt: string | null;
}

/** The last day-close and whether one is running, then the operations dashboard. */
export function OperationsSection({ closing }: SectionProps) {
  const { t } = useTranslation('staffHome');
  const runs = useQuery({
    queryKey: ['staff-home', 'runs'],
    queryFn: () => api.get<{ items: Run[] }>('/v1/batch/runs', { limit: 1 }),
  });
  const last = runs.data?.items[0];
  const lastRun = !last
    ? t('operations.noRun')
    : last.status === 'done'
      ? t('operations.runDone', { date: formatDate(last.businessDate), time: formatDate(last.finishedAt) })
      : t('operations.runRunning', { date: formatDate(last.businessDate) });
  return (
    <>
      <RoleSection
        title="operations.title"
        watched={[]}
        loading={runs.isPending}
        width="half"
        figures={[
          {
            testId: 'day-close',
            title: 'operations.lastRun',
            value: text(lastRun),
            note: closing ? t('operations.closing') : undefined,
            link: { to: '/staff/batch', label: 'operations.page' },
          },
        ]}
      />
      <div style={{ marginTop: 32 }}>
        <Dashboard />
      </div>
    </>
  );
}
