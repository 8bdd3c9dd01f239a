import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Space, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Amount, ErrorAlert } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { RefundModal } from './RefundModal.tsx';
import { type MerchantOrder, type OrderPage, statusColor } from './types.ts';

const LIMIT = 20;

export function OrderList({ onShowQr }: { onShowQr: (id: string) => void }) {
  const { t } = useTranslation('merchant');
  const [refunding, setRefunding] = useState<MerchantOrder | null>(null);
  const orders = useInfiniteQuery({
    queryKey: ['merchant', 'orders'],
    queryFn: ({ pageParam }) =>
      api.get<OrderPage>('/v1/merchant/orders', { limit: LIMIT, before: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: ColumnsType<MerchantOrder> = [
    { title: t('created_at'), dataIndex: 'createdAt', render: (v: string) => formatDate(v) },
    { title: t('description'), dataIndex: 'description', render: (v: string | null) => v ?? '—' },
    { title: t('kind'), dataIndex: 'kind', render: (v: string) => t(`kinds.${v}`, { defaultValue: v }) },
    {
      title: t('amount'),
      dataIndex: 'amount',
      align: 'right',
      render: (_v, order) => (
        <Amount value={order.amount} type={order.kind === 'refund' ? 'danger' : undefined} />
      ),
    },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (v: string, order) => (
        <Tag color={statusColor[v]}>
          {order.kind === 'refund' && v === 'succeeded'
            ? t('refunded')
            : t(`statuses.${v}`, { defaultValue: v })}
        </Tag>
      ),
    },
    {
      title: t('actions'),
      key: 'actions',
      render: (_v, order) => (
        <Space wrap>
          {order.status === 'awaiting_payment' && (
            <Button size="small" onClick={() => onShowQr(order.id)} aria-label={`${t('showQr')} ${order.id}`}>
              {t('showQr')}
            </Button>
          )}
          {order.status === 'succeeded' && order.kind === 'merchant_payment' && (
            <Button
              size="small"
              onClick={() => setRefunding(order)}
              aria-label={`${t('refund')} ${order.description ?? order.id}`}
            >
              {t('refund')}
            </Button>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Card title={t('ordersTitle')}>
      {orders.isError ? (
        <ErrorAlert error={orders.error} onRetry={() => void orders.refetch()} />
      ) : (
        <>
          <ResponsiveTable<MerchantOrder>
            label={t('ordersTitle')}
            actionKeys={['actions']}
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={items}
            loading={orders.isPending}
            pagination={false}
          />
          {orders.hasNextPage && (
            <Button
              block
              style={{ marginTop: 12 }}
              loading={orders.isFetchingNextPage}
              onClick={() => void orders.fetchNextPage()}
            >
              {t('common:state.more')}
            </Button>
          )}
        </>
      )}
      <RefundModal order={refunding} onClose={() => setRefunding(null)} />
    </Card>
  );
}
