import { QuestionCircleOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Select, Space, Tag, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { Collectors } from './Collectors.tsx';
import { type CaseSummary, cny, STAGES } from './types.ts';
import { useCollectors } from './useCollectors.ts';

const LIMIT = 50;

/** Cases in priority order: my queue, or (supervisor) any queue, the unassigned ones or all. */
export function CaseQueue() {
  const { t } = useTranslation('staffCollections');
  const { supervisor, collectors, nameOf } = useCollectors();
  // A supervisor lands on every queue; a collector on their own.
  const [chosen, setAssignee] = useState<string | undefined>(undefined);
  const assignee = chosen ?? (supervisor ? 'all' : 'me');
  // A link may open the queue on one stage (?stage=M2: the analytics pages' buckets).
  const [params] = useSearchParams();
  const linked = params.get('stage');
  const [stage, setStage] = useState<string | undefined>(STAGES.find((s) => s === linked));
  const [status, setStatus] = useState('open');
  const cases = useInfiniteQuery({
    queryKey: ['collections', 'cases', assignee, stage, status],
    queryFn: ({ pageParam }) =>
      api.get<{ items: CaseSummary[] }>('/v1/collections/cases', {
        assignee,
        stage,
        status,
        limit: LIMIT,
        offset: pageParam,
      }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => (last.items.length === LIMIT ? pages.length * LIMIT : undefined),
  });
  const items = cases.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: ColumnsType<CaseSummary> = [
    {
      title: (
        <Tooltip title={t('priorityHelp')}>
          <span>
            {t('priority')} <QuestionCircleOutlined aria-label={t('priorityHelp')} />
          </span>
        </Tooltip>
      ),
      dataIndex: 'priority',
      align: 'right',
    },
    { title: t('stage'), dataIndex: 'stage', render: (v: string) => <Tag>{v}</Tag> },
    { title: t('dpd'), dataIndex: 'dpd', align: 'right' },
    {
      title: t('overdue'),
      dataIndex: 'overdueAmount',
      align: 'right',
      render: (v: string) => <Amount value={cny(v)} />,
    },
    {
      title: t('brokenPromises'),
      dataIndex: 'brokenPromises',
      align: 'right',
      render: (v: number) => (v > 0 ? <Tag color="error">{v}</Tag> : v),
    },
    ...(supervisor
      ? [{ title: t('assignedTo'), dataIndex: 'assignedTo', render: (v: string | null) => nameOf(v) }]
      : []),
    { title: t('lastContact'), dataIndex: 'lastContactAt', render: (v: string | null) => formatDate(v) },
    {
      title: t('open'),
      key: 'open',
      render: (_v, c) => (
        <Link to={`/staff/collections/${c.id}`} aria-label={`${t('open')} ${c.id}`}>
          {t('open')}
        </Link>
      ),
    },
  ];
  const queueOptions = [
    { value: 'me', label: t('myQueue') },
    ...(supervisor
      ? [
          { value: 'all', label: t('allQueues') },
          { value: 'unassigned', label: t('unassigned') },
          ...(collectors.data?.items ?? []).map((c) => ({ value: c.userId, label: nameOf(c.userId) })),
        ]
      : []),
  ];
  return (
    <>
      <PageTitle>{t('queueTitle')}</PageTitle>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card>
          <Flex wrap gap={12} style={{ marginBottom: 16 }}>
            <Select
              aria-label={t('queue')}
              style={{ minWidth: 180 }}
              value={assignee}
              onChange={setAssignee}
              options={queueOptions}
            />
            <Select
              aria-label={t('stage')}
              allowClear
              placeholder={t('allStages')}
              style={{ minWidth: 140 }}
              value={stage}
              onChange={setStage}
              options={STAGES.map((s) => ({ value: s, label: s }))}
            />
            <Select
              aria-label={t('caseStatus')}
              style={{ minWidth: 120 }}
              value={status}
              onChange={setStatus}
              options={['open', 'closed'].map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
            />
          </Flex>
          {cases.isError ? (
            <ErrorAlert error={cases.error} onRetry={() => void cases.refetch()} />
          ) : (
            <>
              <ResponsiveTable<CaseSummary>
                label={t('queueTitle')}
                actionKeys={['open']}
                cardTitle={(c) => (
                  <>
                    {c.stage} · <Amount value={cny(c.overdueAmount)} />
                  </>
                )}
                rowKey="id"
                size="small"
                columns={columns}
                dataSource={items}
                loading={cases.isPending}
                pagination={false}
              />
              {cases.hasNextPage && (
                <Button
                  block
                  style={{ marginTop: 12 }}
                  loading={cases.isFetchingNextPage}
                  onClick={() => void cases.fetchNextPage()}
                >
                  {t('common:state.more')}
                </Button>
              )}
            </>
          )}
        </Card>
        {supervisor && <Collectors />}
      </Space>
    </>
  );
}
