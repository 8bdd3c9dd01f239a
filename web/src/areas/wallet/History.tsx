import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, DatePicker, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Amount, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { KINDS, type Order, STATUSES } from './types.ts';

interface Filters {
  kind?: string;
  status?: string;
  from?: string;
  to?: string;
}

const STATUS_COLOURS: Record<string, string> = {
  succeeded: 'success',
  failed: 'error',
  pending: 'processing',
  awaiting_payment: 'processing',
};

/** The payment history, newest first, filtered as the API allows, a page at a time (cursor `before`). */
export function History() {
  const { t } = useTranslation('wallet');
  const [filters, setFilters] = useState<Filters>({});
  const query = useInfiniteQuery({
    queryKey: ['transactions', filters],
    queryFn: ({ pageParam }) =>
      api.get<{ items: Order[]; nextBefore: string | null }>('/v1/me/wallet/transactions', {
        ...filters,
        limit: 20,
        before: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const onDates = (range: [Dayjs | null, Dayjs | null] | null) =>
    setFilters((f) => ({
      ...f,
      from: range?.[0]?.format('YYYY-MM-DD'),
      to: range?.[1]?.format('YYYY-MM-DD'),
    }));

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('kind')}
          style={{ minWidth: 140 }}
          value={filters.kind ?? ''}
          onChange={(kind) => setFilters((f) => ({ ...f, kind: kind || undefined }))}
          options={[
            { value: '', label: t('allKinds') },
            ...KINDS.map((kind) => ({ value: kind, label: t(`kinds.${kind}`) })),
          ]}
        />
        <Select
          aria-label={t('common:field.status')}
          style={{ minWidth: 140 }}
          value={filters.status ?? ''}
          onChange={(status) => setFilters((f) => ({ ...f, status: status || undefined }))}
          options={[
            { value: '', label: t('allStatuses') },
            ...STATUSES.map((status) => ({ value: status, label: t(`statuses.${status}`) })),
          ]}
        />
        <DatePicker.RangePicker aria-label={t('dates')} onChange={onDates} allowEmpty={[true, true]} />
      </Space>
      <QueryView query={query} empty={(data) => data.pages[0]?.items.length === 0}>
        {(data) => (
          <>
            <Table<Order>
              rowKey="id"
              size="small"
              pagination={false}
              scroll={{ x: true }}
              dataSource={data.pages.flatMap((p) => p.items)}
              columns={[
                {
                  title: t('common:field.createdAt'),
                  dataIndex: 'createdAt',
                  render: (value: string) => formatDate(value),
                },
                {
                  title: t('kind'),
                  dataIndex: 'kind',
                  render: (kind: string, row) =>
                    row.description ? `${t(`kinds.${kind}`)} · ${row.description}` : t(`kinds.${kind}`),
                },
                {
                  title: t('common:field.amount'),
                  dataIndex: 'amount',
                  align: 'right',
                  render: (_value, row) => (
                    <span style={{ whiteSpace: 'nowrap' }}>
                      {row.direction === 'in' ? '+' : row.direction === 'out' ? '−' : ''}
                      <Amount value={row.amount} type={row.direction === 'in' ? 'success' : undefined} />
                    </span>
                  ),
                },
                {
                  title: t('common:field.status'),
                  dataIndex: 'status',
                  render: (status: string) => (
                    <Tag color={STATUS_COLOURS[status] ?? 'default'}>{t(`statuses.${status}`)}</Tag>
                  ),
                },
              ]}
            />
            <div style={{ textAlign: 'center', marginTop: 12 }}>
              {query.hasNextPage ? (
                <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
                  {t('common:state.more')}
                </Button>
              ) : null}
            </div>
          </>
        )}
      </QueryView>
    </>
  );
}
