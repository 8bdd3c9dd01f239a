import { useQuery } from '@tanstack/react-query';
import { Button, Card, Select, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { type Review, reviewColor } from './types.ts';

const STATUSES = ['open', 'info_requested', 'approved', 'declined'] as const;

/** Referred applications waiting for an officer (open and waiting for information by default). */
export function ReviewQueue() {
  const { t } = useTranslation('staffRisk');
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [limit, setLimit] = useState(50);
  const reviews = useQuery({
    queryKey: ['risk', 'reviews', status, limit],
    queryFn: () => api.get<{ items: Review[] }>('/v1/risk/reviews', { status, limit }),
  });
  const columns: ColumnsType<Review> = [
    { title: t('created'), dataIndex: 'createdAt', render: (v: string) => formatDate(v) },
    {
      title: t('amount'),
      dataIndex: 'amount',
      align: 'right',
      render: (_v, r) => <Amount value={r.amount} />,
    },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (v: string) => <Tag color={reviewColor[v]}>{t(`statuses.${v}`, { defaultValue: v })}</Tag>,
    },
    { title: t('needsTwo'), dataIndex: 'needsTwo', render: (v: boolean) => (v ? t('yes') : t('no')) },
    {
      title: t('decisionId'),
      dataIndex: 'decisionId',
      key: 'decisionId',
      render: (id: string) => (
        <Link to={`/staff/reviews/${id}`} aria-label={`${t('open')} ${id}`}>
          {t('open')} {id.slice(-8)}
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
            allowClear
            placeholder={t('filter')}
            style={{ minWidth: 180 }}
            value={status}
            onChange={(value) => {
              setStatus(value);
              setLimit(50);
            }}
            options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          />
        }
      >
        {t('queueTitle')}
      </PageTitle>
      <Card>
        {reviews.isError ? (
          <ErrorAlert error={reviews.error} onRetry={() => void reviews.refetch()} />
        ) : (
          <>
            <ResponsiveTable<Review>
              label={t('queueTitle')}
              actionKeys={['decisionId']}
              rowKey="decisionId"
              size="small"
              columns={columns}
              dataSource={reviews.data?.items}
              loading={reviews.isPending}
              pagination={false}
            />
            {reviews.data && reviews.data.items.length === limit && limit < 200 && (
              <Button block style={{ marginTop: 12 }} onClick={() => setLimit(Math.min(200, limit + 50))}>
                {t('common:state.more')}
              </Button>
            )}
          </>
        )}
      </Card>
    </>
  );
}
