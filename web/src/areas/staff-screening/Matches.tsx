import { useQuery } from '@tanstack/react-query';
import { Card, Select, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { type ScreeningMatch, statusColor } from './types.ts';

const STATUSES = ['open', 'confirmed', 'false_positive'] as const;

/** The match queue: candidate matches of customers with listed persons, highest score first. */
export function Matches() {
  const { t } = useTranslation('staffScreening');
  const [status, setStatus] = useState<string>('open');
  const matches = useQuery({
    queryKey: ['screening', 'matches', status],
    queryFn: () => api.get<{ items: ScreeningMatch[] }>('/v1/screening/matches', { status, limit: 200 }),
  });
  const columns: ColumnsType<ScreeningMatch> = [
    { title: t('created'), dataIndex: 'createdAt', render: (v: string) => formatDate(v) },
    { title: t('customer'), dataIndex: 'customerName', render: (v: string | null) => v ?? '—' },
    { title: t('entry'), render: (_v, m) => m.entry.name },
    { title: t('list'), render: (_v, m) => `${m.list.name} v${m.list.version}` },
    { title: t('score'), dataIndex: 'score', align: 'right' },
    { title: t('why'), render: (_v, m) => t(`bases.${m.why.basis}`, { defaultValue: m.why.basis }) },
    {
      title: t('trigger'),
      dataIndex: 'trigger',
      render: (v: string) => t(`triggers.${v}`, { defaultValue: v }),
    },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (v: string) => <Tag color={statusColor[v]}>{t(`statuses.${v}`, { defaultValue: v })}</Tag>,
    },
    {
      title: '',
      dataIndex: 'id',
      render: (id: string) => (
        <Link to={`/staff/screening/matches/${id}`} aria-label={`${t('open')} ${id}`}>
          {t('open')}
        </Link>
      ),
    },
  ];
  return (
    <>
      <PageTitle
        extra={
          <Select
            aria-label={t('filter')}
            style={{ minWidth: 160 }}
            value={status}
            onChange={setStatus}
            options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          />
        }
      >
        {t('matchesTitle')}
      </PageTitle>
      <Card>
        {matches.isError ? (
          <ErrorAlert error={matches.error} onRetry={() => void matches.refetch()} />
        ) : (
          <ResponsiveTable<ScreeningMatch>
            label={t('matchesTitle')}
            actionKeys={['id']}
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={matches.data?.items}
            loading={matches.isPending}
            pagination={{ pageSize: 50 }}
          />
        )}
      </Card>
    </>
  );
}
