import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Popconfirm, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, QueryView, Rate } from '../../components/ui.tsx';
import { cny } from './lending.ts';
import { DateCell } from './ScheduleTable.tsx';

/** A note for sale as the market shows it: whether it is mine, never who sells it. */
export interface NoteListing {
  id: string;
  loanId: string;
  own: boolean;
  principal: string;
  discountRate: string;
  status: string;
  price: string | null;
  listedOn: string;
  expiresOn: string;
}

/**
 * My notes for sale: the API has no "my note listings" endpoint, so these are the open listings
 * (GET /v1/lending/note-listings, up to 200) marked as mine (own).
 */
export function MyNoteListings() {
  const { t } = useTranslation('invest');
  const client = useQueryClient();
  const listings = useQuery({
    queryKey: ['note-listings'],
    queryFn: () => api.get<NoteListing[]>('/v1/lending/note-listings', { limit: 200 }),
  });
  const withdraw = useMutation({
    mutationFn: (id: string) => api.post(`/v1/me/note-listings/${id}/withdraw`),
    onSuccess: () => {
      for (const k of [['note-listings'], ['investments']]) void client.invalidateQueries({ queryKey: k });
    },
  });
  return (
    <QueryView query={listings}>
      {(all) => (
        <>
          {withdraw.isError && <ErrorAlert error={withdraw.error} />}
          <Table<NoteListing>
            size="small"
            rowKey="id"
            dataSource={all.filter((l) => l.own)}
            scroll={{ x: true }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: t('noSelling') }}
            columns={[
              { title: t('listedOn'), dataIndex: 'listedOn', render: (d: string) => <DateCell value={d} /> },
              {
                title: t('principal'),
                dataIndex: 'principal',
                render: (v: string) => <Amount value={cny(v)} />,
              },
              { title: t('discount'), dataIndex: 'discountRate', render: (v: string) => <Rate value={v} /> },
              {
                title: t('expiresOn'),
                dataIndex: 'expiresOn',
                render: (d: string) => <DateCell value={d} />,
              },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (v: string) => <Tag>{t(`listingStatus.${v}`)}</Tag>,
              },
              {
                title: t('actions'),
                key: 'a',
                render: (_, l) => (
                  <Popconfirm
                    title={t('withdrawConfirm')}
                    okText={t('withdraw')}
                    cancelText={t('common:action.cancel')}
                    onConfirm={() => withdraw.mutateAsync(l.id)}
                  >
                    <Button size="small" danger>
                      {t('withdraw')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        </>
      )}
    </QueryView>
  );
}
