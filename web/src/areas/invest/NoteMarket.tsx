import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Modal, Space, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, newKey } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle, QueryView, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { GradeTag } from './ListingCard.tsx';
import { cny, type Loan } from './lending.ts';
import type { NoteListing } from './MyNoteListings.tsx';
import { DateCell } from './ScheduleTable.tsx';

/** A note for sale as the market lists it: with its loan's terms and today's price and yield. */
interface MarketRow extends NoteListing {
  grade: string;
  annualRate: string;
  term: number;
  termUnit: 'month' | 'day';
  remainingInstalments: number;
  maturityDate: string | null;
  accruedInterest: string;
  total: string;
  yieldToMaturity: string | null;
}

interface Quote {
  listing: NoteListing;
  loan: Loan;
  price: string;
  accruedInterest: string;
  total: string;
  sellerFee: string;
  remainingInstalments: number;
  maturityDate: string | null;
  yieldToMaturity: string | null;
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
            <Descriptions.Item label={t('remainingTerm')}>
              {t(q.loan.termUnit === 'day' ? 'remainingOfDays' : 'remainingOf', {
                count: q.remainingInstalments,
                term: q.loan.term,
              })}
              {q.maturityDate ? ` · ${t('maturity')} ${formatDate(q.maturityDate)}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('ytm')}>
              {q.yieldToMaturity === null ? '—' : <Rate value={q.yieldToMaturity} />}
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
  const [buying, setBuying] = useState<string | null>(null);
  const listings = useQuery({
    queryKey: ['note-listings'],
    queryFn: () => api.get<MarketRow[]>('/v1/lending/note-listings', { limit: 200 }),
  });
  return (
    <>
      <PageTitle>{t('noteMarketTitle')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('noteMarketHint')}</Typography.Paragraph>
      <QueryView query={listings} empty={(list) => list.length === 0}>
        {(list) => (
          <ResponsiveTable<MarketRow>
            label={t('noteMarketTitle')}
            size="small"
            rowKey="id"
            dataSource={list}
            actionKeys={['buy']}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            columns={[
              {
                title: t('listing'),
                dataIndex: 'loanId',
                render: (id: string, l) => (
                  <Space size={4}>
                    <Link to={`/market/${id}`}>{id.slice(-8)}</Link>
                    <GradeTag grade={l.grade} />
                  </Space>
                ),
              },
              { title: t('annualRate'), dataIndex: 'annualRate', render: (v: string) => <Rate value={v} /> },
              {
                title: t('remainingTerm'),
                key: 'remaining',
                render: (_, l) => (
                  <Tooltip
                    title={l.maturityDate ? `${t('maturity')} ${formatDate(l.maturityDate)}` : undefined}
                  >
                    <span>
                      {t(l.termUnit === 'day' ? 'remainingOfDays' : 'remainingOf', {
                        count: l.remainingInstalments,
                        term: l.term,
                      })}
                    </span>
                  </Tooltip>
                ),
              },
              {
                title: t('principal'),
                dataIndex: 'principal',
                render: (v: string) => <Amount value={cny(v)} />,
              },
              { title: t('discount'), dataIndex: 'discountRate', render: (v: string) => <Rate value={v} /> },
              {
                title: t('youPay'),
                dataIndex: 'total',
                render: (v: string, l) => (
                  <Tooltip
                    title={`${t('price')} ${formatMoney(cny(l.price ?? '0.00'))} + ${t('accruedInterest')} ${formatMoney(cny(l.accruedInterest))}`}
                  >
                    <span>
                      <Amount value={cny(v)} />
                    </span>
                  </Tooltip>
                ),
              },
              {
                title: (
                  <Tooltip title={t('ytmHint')}>
                    <span>{t('ytm')}</span>
                  </Tooltip>
                ),
                dataIndex: 'yieldToMaturity',
                render: (v: string | null) => (v === null ? '—' : <Rate value={v} />),
              },
              {
                title: t('expiresOn'),
                dataIndex: 'expiresOn',
                render: (d: string) => <DateCell value={d} />,
              },
              {
                title: t('actions'),
                key: 'buy',
                render: (_, l) =>
                  l.own ? (
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
