import { useQuery } from '@tanstack/react-query';
import { Button, Card, Modal, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { Deviations } from './ContractDetail.tsx';
import { ReviewTag } from './Contracts.tsx';
import { ReviewForm } from './ReviewForm.tsx';
import type { ReviewItem } from './types.ts';

/** The legal review queue: contracts issued with terms a person set, pending first. */
export function Reviews() {
  const { t } = useTranslation('staffContracts');
  const [open, setOpen] = useState<ReviewItem | null>(null);
  const reviews = useQuery({
    queryKey: ['contracts', 'reviews'],
    queryFn: () => api.get<{ items: ReviewItem[] }>('/v1/contract-reviews', { limit: 200 }),
  });
  return (
    <>
      <PageTitle>{t('reviews.title')}</PageTitle>
      <Card>
        <Typography.Paragraph type="secondary">{t('reviews.explain')}</Typography.Paragraph>
        <QueryView query={reviews}>
          {(data) => (
            <Table<ReviewItem>
              rowKey="id"
              size="small"
              dataSource={data.items}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              scroll={{ x: 'max-content' }}
              aria-label={t('reviews.title')}
              locale={{ emptyText: t('reviews.empty') }}
              expandable={{ expandedRowRender: (r) => <Deviations deviations={r.deviations} /> }}
              columns={[
                {
                  key: 'number',
                  title: t('contracts:field.number'),
                  render: (_, r) => <Link to={`/staff/contracts/${r.id}`}>{r.number}</Link>,
                },
                {
                  key: 'kind',
                  title: t('field.kind'),
                  render: (_, r) => t(`contracts:kind.${r.kind}`, { defaultValue: r.kind }),
                },
                {
                  key: 'signed',
                  title: t('contracts:field.signedAt'),
                  render: (_, r) => formatDate(r.signedAt),
                },
                {
                  key: 'deviations',
                  title: t('detail.deviations'),
                  render: (_, r) => r.deviations.map((d) => d.term).join(', ') || '—',
                },
                {
                  key: 'status',
                  title: t('field.review'),
                  render: (_, r) => <ReviewTag status={r.reviewStatus} />,
                },
                { key: 'note', title: t('review.note'), render: (_, r) => r.reviewNote ?? '—' },
                {
                  key: 'act',
                  title: '',
                  render: (_, r) =>
                    r.reviewStatus === 'pending' ? (
                      <Button size="small" onClick={() => setOpen(r)}>
                        {t('reviews.decide')}
                      </Button>
                    ) : null,
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
      <Modal
        open={open !== null}
        title={open ? t('reviews.decideTitle', { number: open.number }) : ''}
        footer={null}
        destroyOnHidden
        onCancel={() => setOpen(null)}
      >
        {open && (
          <>
            <Deviations deviations={open.deviations} />
            <div style={{ marginTop: 16 }}>
              <ReviewForm contractId={open.id} onDone={() => setOpen(null)} />
            </div>
          </>
        )}
      </Modal>
    </>
  );
}
