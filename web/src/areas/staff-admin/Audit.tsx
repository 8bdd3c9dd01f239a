import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Input } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';

interface AuditRow {
  id: string;
  at: string;
  actorId: string;
  actorRoles: string[];
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

const json = (value: unknown) => (
  <pre style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: 12 }}>{JSON.stringify(value, null, 2)}</pre>
);

/** The audit log, newest first, filtered by action, actor or subject. */
export function Audit() {
  const { t } = useTranslation('staffAdmin');
  const [filters, setFilters] = useState({ action: '', actorId: '', subjectId: '' });
  const [draft, setDraft] = useState(filters);
  const log = useInfiniteQuery({
    queryKey: ['admin', 'audit', filters],
    queryFn: ({ pageParam }) =>
      api.get<{ items: AuditRow[]; nextBefore: string | null }>('/v1/admin/audit', {
        ...filters,
        limit: 100,
        before: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: ColumnsType<AuditRow> = [
    { title: t('at'), dataIndex: 'at', render: (v: string) => formatDate(v) },
    { title: t('action'), dataIndex: 'action' },
    {
      title: t('actor'),
      dataIndex: 'actorId',
      render: (v: string, r) =>
        `${v.length > 12 ? v.slice(-8) : v}${r.actorRoles.length ? ` (${r.actorRoles.join(', ')})` : ''}`,
    },
    {
      title: t('subject'),
      dataIndex: 'subjectId',
      render: (v: string | null, r) => (v ? `${r.subjectType ?? ''} ${v}` : '—'),
    },
    { title: t('ip'), dataIndex: 'ip', render: (v: string | null) => v ?? '—' },
  ];
  return (
    <>
      <PageTitle>{t('auditTitle')}</PageTitle>
      <Card>
        <Flex
          wrap
          gap={12}
          style={{ marginBottom: 16 }}
          component="form"
          onSubmit={(e: React.FormEvent) => {
            e.preventDefault();
            setFilters(draft);
          }}
        >
          <Input
            aria-label={t('filterAction')}
            placeholder={t('filterAction')}
            style={{ maxWidth: 220 }}
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          />
          <Input
            aria-label={t('filterActor')}
            placeholder={t('filterActor')}
            style={{ maxWidth: 220 }}
            value={draft.actorId}
            onChange={(e) => setDraft({ ...draft, actorId: e.target.value })}
          />
          <Input
            aria-label={t('filterSubject')}
            placeholder={t('filterSubject')}
            style={{ maxWidth: 220 }}
            value={draft.subjectId}
            onChange={(e) => setDraft({ ...draft, subjectId: e.target.value })}
          />
          <Button htmlType="submit" type="primary">
            {t('common:action.search')}
          </Button>
        </Flex>
        {log.isError ? (
          <ErrorAlert error={log.error} onRetry={() => void log.refetch()} />
        ) : (
          <>
            <ResponsiveTable<AuditRow>
              label={t('auditTitle')}
              expandLabel={t('details')}
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={items}
              loading={log.isPending}
              pagination={false}
              expandable={{
                expandedRowRender: (r) => (
                  <Flex wrap gap={16}>
                    <div style={{ minWidth: 240, flex: 1 }}>
                      <strong>{t('before')}</strong>
                      {json(r.before)}
                    </div>
                    <div style={{ minWidth: 240, flex: 1 }}>
                      <strong>{t('after')}</strong>
                      {json(r.after)}
                    </div>
                    <div style={{ minWidth: 240, flex: 1 }}>
                      <strong>{t('details')}</strong>
                      {json(r.details)}
                    </div>
                  </Flex>
                ),
              }}
            />
            {log.hasNextPage && (
              <Button block style={{ marginTop: 12 }} onClick={() => void log.fetchNextPage()}>
                {t('common:state.more')}
              </Button>
            )}
          </>
        )}
      </Card>
    </>
  );
}
