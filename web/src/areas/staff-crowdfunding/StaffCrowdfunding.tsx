import { useQuery } from '@tanstack/react-query';
import { Card, Flex, Select, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { PhaseTag } from '../crowdfunding/MyProjects.tsx';
import { type Complaint, categoryName, type Project } from '../crowdfunding/types.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { ComplaintRefund } from './ComplaintRefund.tsx';
import { OutcomeTag } from './RiskAdvice.tsx';

const STATUSES = [
  'submitted',
  'changes_requested',
  'approved',
  'scheduled',
  'succeeded',
  'failed',
  'refused',
  'draft',
] as const;

function useProjects(status: string | undefined) {
  return useQuery({
    queryKey: ['crowdfunding', 'staff', 'projects', status],
    queryFn: () => api.get<{ items: Project[] }>('/v1/crowdfunding/staff/projects', { status, limit: 200 }),
  });
}

function ProjectTable({
  status,
  label,
  milestonesOnly,
}: {
  status?: string;
  label: string;
  milestonesOnly?: boolean;
}) {
  const { t } = useTranslation('staffCrowdfunding');
  const projects = useProjects(status);
  const items = (projects.data?.items ?? []).filter(
    (p) => !milestonesOnly || p.milestones.some((m) => m.status === 'submitted'),
  );
  const columns: ColumnsType<Project> = [
    { title: t('project'), dataIndex: 'title', key: 'title' },
    { title: t('category'), key: 'category', render: (_v, p) => categoryName(p.category) },
    { title: t('status'), key: 'phase', render: (_v, p) => <PhaseTag phase={p.phase} /> },
    { title: t('target'), key: 'target', align: 'right', render: (_v, p) => <Amount value={p.target} /> },
    ...(milestonesOnly
      ? [
          {
            title: t('milestone'),
            key: 'milestone',
            render: (_v: unknown, p: Project) =>
              p.milestones.find((m) => m.status === 'submitted')?.title ?? '—',
          },
        ]
      : [
          {
            title: t('advice'),
            key: 'risk',
            render: (_v: unknown, p: Project) => (p.risk ? <OutcomeTag outcome={p.risk.outcome} /> : '—'),
          },
        ]),
    {
      title: t('submittedAt'),
      key: 'submittedAt',
      render: (_v, p) => formatDate(p.submittedAt ?? p.updatedAt),
    },
    {
      title: t('actions'),
      key: 'open',
      render: (_v, p) => (
        <Link to={`/staff/crowdfunding/${p.id}`} aria-label={t('openOf', { title: p.title })}>
          {t('open')}
        </Link>
      ),
    },
  ];
  if (projects.isError) return <ErrorAlert error={projects.error} onRetry={() => void projects.refetch()} />;
  return (
    <ResponsiveTable<Project>
      label={label}
      actionKeys={['open']}
      rowKey="id"
      size="small"
      loading={projects.isPending}
      columns={columns}
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
    />
  );
}

function Complaints() {
  const { t } = useTranslation('staffCrowdfunding');
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const complaints = useQuery({
    queryKey: ['crowdfunding', 'staff', 'complaints', status],
    queryFn: () => api.get<{ items: Complaint[] }>('/v1/crowdfunding/staff/complaints', { status }),
  });
  const columns: ColumnsType<Complaint> = [
    { title: t('openedOn'), key: 'date', render: (_v, c) => formatDate(c.createdAt) },
    {
      title: t('complaint'),
      key: 'text',
      render: (_v, c) => <span style={{ whiteSpace: 'pre-wrap' }}>{c.text}</span>,
    },
    {
      title: t('status'),
      key: 'status',
      render: (_v, c) => (
        <Tag color={c.status === 'open' ? 'orange' : 'green'}>{t(`complaintStatus.${c.status}`)}</Tag>
      ),
    },
    {
      title: t('resolution'),
      key: 'resolution',
      render: (_v, c) => (
        <Flex vertical gap={2}>
          <span>{c.resolution ?? '—'}</span>
          <ComplaintRefund complaint={c} />
        </Flex>
      ),
    },
    {
      title: t('actions'),
      key: 'open',
      render: (_v, c) => (
        <Link to={`/staff/crowdfunding/${c.projectId}?backing=${c.backingId}#complaints`}>
          {t('openProject')}
        </Link>
      ),
    },
  ];
  return (
    <>
      <Select
        aria-label={t('complaintFilter')}
        value={status}
        onChange={setStatus}
        style={{ minWidth: 160, marginBottom: 12 }}
        options={[
          { value: 'open', label: t('complaintStatus.open') },
          { value: 'resolved', label: t('complaintStatus.resolved') },
        ]}
      />
      {complaints.isError ? (
        <ErrorAlert error={complaints.error} onRetry={() => void complaints.refetch()} />
      ) : (
        <ResponsiveTable<Complaint>
          label={t('tab.complaints')}
          actionKeys={['open']}
          rowKey="id"
          size="small"
          loading={complaints.isPending}
          columns={columns}
          dataSource={complaints.data?.items}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
        />
      )}
    </>
  );
}

function AllProjects() {
  const { t } = useTranslation('staffCrowdfunding');
  const [status, setStatus] = useState<string | undefined>();
  return (
    <>
      <Select
        aria-label={t('statusFilter')}
        allowClear
        placeholder={t('allStatuses')}
        value={status}
        onChange={setStatus}
        style={{ minWidth: 180, marginBottom: 12 }}
        options={STATUSES.map((s) => ({ value: s, label: t(`crowdfunding:phase.${s}`) }))}
      />
      <ProjectTable status={status} label={t('tab.all')} />
    </>
  );
}

/** Crowdfunding for staff: the review queue, milestone evidence to confirm, complaints, every project. */
export function StaffCrowdfunding() {
  const { t } = useTranslation('staffCrowdfunding');
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'queue';
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          items={[
            {
              key: 'queue',
              label: t('tab.queue'),
              children: <ProjectTable status="submitted" label={t('tab.queue')} />,
            },
            {
              key: 'milestones',
              label: t('tab.milestones'),
              children: <ProjectTable status="succeeded" label={t('tab.milestones')} milestonesOnly />,
            },
            { key: 'complaints', label: t('tab.complaints'), children: <Complaints /> },
            { key: 'all', label: t('tab.all'), children: <AllProjects /> },
          ]}
        />
      </Card>
    </>
  );
}
