import { useQuery } from '@tanstack/react-query';
import { Button, Progress, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { barPercent, categoryName, type Phase, type Project } from './types.ts';

export const PHASE_COLORS: Record<Phase, string> = {
  draft: 'default',
  submitted: 'processing',
  changes_requested: 'warning',
  refused: 'error',
  approved: 'cyan',
  scheduled: 'cyan',
  live: 'blue',
  succeeded: 'success',
  failed: 'default',
};

export function PhaseTag({ phase }: { phase: Phase }) {
  const { t } = useTranslation('crowdfunding');
  return <Tag color={PHASE_COLORS[phase]}>{t(`phase.${phase}`)}</Tag>;
}

/** The creator's projects in every state, each with a link to manage it. */
export function MyProjects() {
  const { t } = useTranslation('crowdfunding');
  const projects = useQuery({
    queryKey: ['crowdfunding', 'mine', 'projects'],
    queryFn: () => api.get<{ items: Project[] }>('/v1/crowdfunding/mine/projects'),
  });
  const columns: ColumnsType<Project> = [
    { title: t('mine.project'), dataIndex: 'title', key: 'title' },
    { title: t('editor.category'), key: 'category', render: (_v, p) => categoryName(p.category) },
    { title: t('mine.status'), key: 'phase', render: (_v, p) => <PhaseTag phase={p.phase} /> },
    {
      title: t('page.target'),
      key: 'target',
      align: 'right',
      render: (_v, p) => <Amount value={p.target} />,
    },
    {
      title: t('page.raised'),
      key: 'progress',
      render: (_v, p) =>
        p.launchAt ? (
          <>
            <Amount value={p.pledged} />
            <Progress
              percent={barPercent(p.progress)}
              size="small"
              format={() => `${p.progress}%`}
              aria-label={t('card.progressLabel', { percent: p.progress })}
            />
          </>
        ) : (
          '—'
        ),
    },
    { title: t('page.backers'), dataIndex: 'backers', key: 'backers', align: 'right' },
    { title: t('mine.updatedAt'), key: 'updatedAt', render: (_v, p) => formatDate(p.updatedAt) },
    {
      title: t('mine.actions'),
      key: 'open',
      render: (_v, p) => (
        <Link to={`/crowdfunding/mine/${p.id}`} aria-label={t('mine.manageOf', { title: p.title })}>
          {t('mine.manage')}
        </Link>
      ),
    },
  ];
  return (
    <>
      <PageTitle
        extra={
          <Link to="/crowdfunding/mine/new">
            <Button type="primary">{t('list.start')}</Button>
          </Link>
        }
      >
        {t('nav.projects')}
      </PageTitle>
      {projects.isError ? (
        <ErrorAlert error={projects.error} onRetry={() => void projects.refetch()} />
      ) : (
        <ResponsiveTable<Project>
          label={t('nav.projects')}
          actionKeys={['open']}
          rowKey="id"
          size="small"
          loading={projects.isPending}
          columns={columns}
          dataSource={projects.data?.items}
          pagination={false}
        />
      )}
    </>
  );
}
