import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { StatusTag } from '../credit/Overview.tsx';
import { type Line, useHas } from '../credit/types.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';

const STATUSES = ['active', 'frozen', 'referred', 'declined', 'closed'];

/** A line's reference as staff quote it: the end of its id (as loans are shown). */
export const lineRef = (id: string) => id.slice(-8).toUpperCase();

/** Credit lines by status, and the overdue ones, newest first. */
export function Lines() {
  const { t } = useTranslation('staffCredit');
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [overdue, setOverdue] = useState(false);
  const overdueFilter = useHas('GET /v1/credit/staff/lines', 'overdue') === true;
  const lines = useInfiniteQuery({
    queryKey: ['credit', 'staff-lines', status, overdue && overdueFilter],
    queryFn: ({ pageParam }) =>
      api.get<{ items: Line[]; nextBefore: string | null }>('/v1/credit/staff/lines', {
        status,
        limit: 50,
        before: pageParam,
        ...(overdue && overdueFilter ? { overdue: true } : {}),
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const items = lines.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageTitle>{t('lines.title')}</PageTitle>
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            allowClear
            aria-label={t('lines.status')}
            placeholder={t('lines.anyStatus')}
            style={{ width: 180 }}
            value={status}
            onChange={setStatus}
            options={STATUSES.map((s) => ({ value: s, label: t(`credit:status.${s}`) }))}
          />
          {overdueFilter && (
            <Checkbox checked={overdue} onChange={(e) => setOverdue(e.target.checked)}>
              {t('lines.overdueOnly')}
            </Checkbox>
          )}
        </Space>
        {lines.isError && <ErrorAlert error={lines.error} onRetry={() => void lines.refetch()} />}
        <ResponsiveTable<Line>
          label={t('lines.title')}
          rowKey="id"
          size="small"
          loading={lines.isPending}
          dataSource={items}
          pagination={false}
          columns={[
            {
              key: 'ref',
              title: t('lines.ref'),
              render: (_, l) => (
                <Link to={`/staff/credit/lines/${l.id}`} aria-label={t('lines.open', { ref: lineRef(l.id) })}>
                  {lineRef(l.id)}
                </Link>
              ),
            },
            { key: 'status', title: t('lines.status'), render: (_, l) => <StatusTag status={l.status} /> },
            { key: 'grade', title: t('lines.grade'), render: (_, l) => l.grade ?? '—' },
            {
              key: 'limit',
              title: t('credit:limit'),
              align: 'right',
              render: (_, l) => <Amount value={l.limit ?? l.grantedLimit} />,
            },
            {
              key: 'used',
              title: t('credit:used'),
              align: 'right',
              render: (_, l) => <Amount value={l.used} />,
            },
            {
              key: 'available',
              title: t('credit:available'),
              align: 'right',
              render: (_, l) => <Amount value={l.available} />,
            },
            {
              key: 'overdue',
              title: t('lines.overdue'),
              render: (_, l) =>
                l.delinquency && l.delinquency.dpd > 0 ? (
                  <Tag color="red">
                    {t('lines.dpd', { days: l.delinquency.dpd, bucket: l.delinquency.bucket })}
                  </Tag>
                ) : (
                  '—'
                ),
            },
            {
              key: 'opened',
              title: t('lines.opened'),
              render: (_, l) => formatDate(l.openedOn ?? l.createdAt),
            },
          ]}
        />
        {lines.hasNextPage && (
          <Button
            style={{ marginTop: 12 }}
            loading={lines.isFetchingNextPage}
            onClick={() => void lines.fetchNextPage()}
          >
            {t('common:state.more')}
          </Button>
        )}
      </Card>
    </>
  );
}
