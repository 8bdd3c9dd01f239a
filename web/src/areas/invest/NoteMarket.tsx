import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Modal, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, newKey } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle, QueryView, Rate } from '../../components/ui.tsx';
import { useMe } from '../../session.tsx';
import { GradeTag } from './ListingCard.tsx';
import { cny, type Loan } from './lending.ts';
import type { NoteListing } from './MyNoteListings.tsx';
import { DateCell } from './ScheduleTable.tsx';

interface Quote {
  listing: NoteListing;
  loan: Loan;
  price: string;
  accruedInterest: string;
  total: string;
  sellerFee: string;
}

function BuyModal({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation('invest');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [key] = useState(newKey);
  const quote = useQuery({
    queryKey: ['note-listing', id],
    queryFn: () => api.get<Quote>(`/v1/lending/note-listings/${id}`),
  });
  const buy = useMutation({
    mutationFn: () => api.post(`/v1/lending/note-listings/${id}/buy`, {}, key),
    onSuccess: () => {
      void message.success(t('buyDone'));
      for (const k of [['note-listings'], ['investments'], ['wallet']])
        void client.invalidateQueries({ queryKey: k });
      onClose();
    },
  });
  return (
    <Modal
      open
      title={t('buyTitle')}
      okText={t('buyConfirm')}
      cancelText={t('common:action.cancel')}
      onCancel={onClose}
      onOk={() => buy.mutate()}
      okButtonProps={{ disabled: !quote.data }}
      confirmLoading={buy.isPending}
    >
      <QueryView query={quote}>
        {(q) => (
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('loan')}>
              <GradeTag grade={q.loan.grade} /> <Rate value={q.loan.annualRate} />
            </Descriptions.Item>
            <Descriptions.Item label={t('principal')}>
              <Amount value={cny(q.listing.principal)} />
            </Descriptions.Item>
            <Descriptions.Item label={t('discount')}>
              <Rate value={q.listing.discountRate} />
            </Descriptions.Item>
            <Descriptions.Item label={t('price')}>
              <Amount value={cny(q.price)} />
            </Descriptions.Item>
            <Descriptions.Item label={t('accruedInterest')}>
              <Amount value={cny(q.accruedInterest)} />
            </Descriptions.Item>
            <Descriptions.Item label={t('youPay')}>
              <Amount value={cny(q.total)} strong />
            </Descriptions.Item>
          </Descriptions>
        )}
      </QueryView>
      {buy.isError && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={buy.error} />
        </div>
      )}
    </Modal>
  );
}

/** Notes for sale (债权转让): the API gives up to 200 open listings at once, no cursor. */
export function NoteMarket() {
  const { t } = useTranslation('invest');
  const me = useMe();
  const [buying, setBuying] = useState<string | null>(null);
  const listings = useQuery({
    queryKey: ['note-listings'],
    queryFn: () => api.get<NoteListing[]>('/v1/lending/note-listings', { limit: 200 }),
  });
  return (
    <>
      <PageTitle>{t('noteMarketTitle')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('noteMarketHint')}</Typography.Paragraph>
      <QueryView query={listings} empty={(list) => list.length === 0}>
        {(list) => (
          <Table<NoteListing>
            size="small"
            rowKey="id"
            dataSource={list}
            scroll={{ x: true }}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            columns={[
              {
                title: t('listing'),
                dataIndex: 'loanId',
                render: (id: string) => <Link to={`/market/${id}`}>{id.slice(-8)}</Link>,
              },
              {
                title: t('principal'),
                dataIndex: 'principal',
                render: (v: string) => <Amount value={cny(v)} />,
              },
              { title: t('discount'), dataIndex: 'discountRate', render: (v: string) => <Rate value={v} /> },
              { title: t('listedOn'), dataIndex: 'listedOn', render: (d: string) => <DateCell value={d} /> },
              {
                title: t('expiresOn'),
                dataIndex: 'expiresOn',
                render: (d: string) => <DateCell value={d} />,
              },
              {
                title: t('actions'),
                key: 'buy',
                render: (_, l) =>
                  l.sellerId === me.data?.id ? (
                    <Typography.Text type="secondary">{t('yours')}</Typography.Text>
                  ) : (
                    <Button size="small" type="primary" onClick={() => setBuying(l.id)}>
                      {t('buy')}
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </QueryView>
      {buying && <BuyModal id={buying} onClose={() => setBuying(null)} />}
    </>
  );
}
