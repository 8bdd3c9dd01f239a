import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Input, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { humanise, wordsFor } from '../../humanise.ts';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';

interface AuditRow {
  id: string;
  at: string;
  actorId: string;
  actorName: string | null;
  actorRoles: string[];
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  subjectLabel: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

/** An audit action in words: its message, else its area's name and the rest humanised (never a raw key). */
export function actionWords(action: string): string {
  return wordsFor('staffAdmin', 'auditActions', action, () => {
    const [area = '', ...rest] = action.split('.');
    const areaName = wordsFor('staffAdmin', 'auditAreas', area, () => humanise(area));
    return rest.length ? `${areaName} · ${humanise(rest.join(' '))}` : areaName;
  });
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
  const actorWords = (r: AuditRow) => {
    if (r.actorName) return r.actorName;
    if (r.actorId === 'admin-token') return t('adminToken');
    if (r.actorId === 'anonymous') return t('anonymous');
    return t('system');
  };
  const roleWords = (roles: string[]) =>
    roles.map((role) => wordsFor('staffAdmin', 'roleNames', role, () => humanise(role))).join(', ');
  const showActor = (actorId: string) => {
    const next = { ...filters, actorId };
    setDraft(next);
    setFilters(next);
  };
  const columns: ColumnsType<AuditRow> = [
    { title: t('at'), dataIndex: 'at', render: (v: string) => formatDate(v) },
    { title: t('action'), dataIndex: 'action', render: (v: string) => actionWords(v) },
    {
      title: t('actor'),
      dataIndex: 'actorId',
      render: (_: string, r) => (
        <Flex vertical>
          <Button
            type="link"
            size="small"
            style={{ padding: 0, height: 'auto', alignSelf: 'flex-start' }}
            title={t('filterByActor')}
            onClick={() => showActor(r.actorId)}
          >
            {actorWords(r)}
          </Button>
          {r.actorRoles.length > 0 && (
            <Typography.Text type="secondary">{roleWords(r.actorRoles)}</Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('subject'),
      dataIndex: 'subjectId',
      render: (v: string | null, r) => {
        if (!v) return '—';
        const kind = r.subjectType
          ? wordsFor('staffAdmin', 'subjectTypes', r.subjectType, () => humanise(r.subjectType ?? ''))
          : '';
        // A user by name; anything else by its kind and the end of its id, to search by.
        return r.subjectLabel ? `${kind} · ${r.subjectLabel}` : `${kind} …${v.slice(-6)}`;
      },
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
