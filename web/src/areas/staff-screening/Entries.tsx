import { useQuery } from '@tanstack/react-query';
import { Card, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import type { WatchListEntry } from './types.ts';

const PAGE = 100;

/** The entries of one version of a list, in file order. */
export function Entries() {
  const { t } = useTranslation('staffScreening');
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const version = search.get('version') ?? undefined;
  const [page, setPage] = useState(1);
  const entries = useQuery({
    queryKey: ['screening', 'entries', id, version, page],
    queryFn: () =>
      api.get<{ version: number; total: number; items: WatchListEntry[] }>(
        `/v1/screening/lists/${id}/entries`,
        {
          version,
          offset: (page - 1) * PAGE,
          limit: PAGE,
        },
      ),
  });
  const columns: ColumnsType<WatchListEntry> = [
    { title: t('line'), dataIndex: 'line' },
    { title: t('entry'), dataIndex: 'name' },
    { title: t('aliases'), dataIndex: 'aliases', render: (v: string[]) => v.join('; ') },
    { title: t('idNumber'), dataIndex: 'idNumberMasked' },
    { title: t('birthDate'), dataIndex: 'birthDate' },
    { title: t('source'), dataIndex: 'source' },
    { title: t('reason'), dataIndex: 'reason' },
  ];
  return (
    <>
      <PageTitle extra={<Link to="/staff/screening/lists">{t('listsTitle')}</Link>}>
        {t('entries')} {entries.data ? `(${t('version')} ${entries.data.version})` : ''}
      </PageTitle>
      <Card>
        {entries.isError ? (
          <ErrorAlert error={entries.error} onRetry={() => void entries.refetch()} />
        ) : (
          <Table<WatchListEntry>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={entries.data?.items}
            loading={entries.isPending}
            pagination={{
              current: page,
              pageSize: PAGE,
              total: entries.data?.total ?? 0,
              showSizeChanger: false,
              onChange: setPage,
            }}
            scroll={{ x: true }}
          />
        )}
      </Card>
    </>
  );
}
