import { useQuery } from '@tanstack/react-query';
import { Descriptions, Drawer, Skeleton, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';

interface LoanJson {
  id: string;
  status: string;
  product: string;
  amount: Money;
  annualRate: string;
  apr: string | null;
  term: number;
  termUnit: string;
  grade: string;
  purpose: string;
  listedAt: string;
  startDate: string | null;
}
interface Installment {
  period: number;
  dueDate: string;
  principal: string;
  interest: string;
  fee: string;
  penalty: string;
  paid: string;
  outstanding: string;
  status: string;
}
interface Bid {
  id: string;
  amount: Money;
  status: string;
  createdAt: string;
}
/** GET /v1/lending/loans/{id}: a listing with its bids, or a disbursed loan with its schedule. */
type Detail =
  | { loan: LoanJson; bids: Bid[]; installments?: undefined }
  | {
      loan: LoanJson;
      installments: Installment[];
      principalOutstanding: string;
      dpd: number;
      bucket: string;
      bids?: undefined;
    };

const cny = (amount: string): Money => ({ amount, currency: 'CNY' });

/** A loan opened from the staff list: its terms, and its schedule (or, for a listing, its bids). */
export function LoanDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation('staffLending');
  const detail = useQuery({
    queryKey: ['lending', 'loan', id],
    queryFn: () => api.get<Detail>(`/v1/lending/loans/${id}`),
    enabled: id !== null,
  });
  const d = detail.data;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size="large"
      title={id ? t('detailTitle', { id: id.slice(-8) }) : undefined}
    >
      {detail.isError && <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />}
      {detail.isPending && id !== null && <Skeleton active />}
      {d && (
        <>
          <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('status')}>
              <Tag>{t(`loanStatuses.${d.loan.status}`, { defaultValue: d.loan.status })}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('product')}>{d.loan.product}</Descriptions.Item>
            <Descriptions.Item label={t('amount')}>
              <Amount value={d.loan.amount} />
            </Descriptions.Item>
            <Descriptions.Item label={t('rate')}>
              <Rate value={d.loan.annualRate} />
            </Descriptions.Item>
            <Descriptions.Item label={t('term')}>
              {t(`units.${d.loan.termUnit}`, { count: d.loan.term })}
            </Descriptions.Item>
            <Descriptions.Item label={t('grade')}>{d.loan.grade}</Descriptions.Item>
            <Descriptions.Item label={t('listedAt')}>{formatDate(d.loan.listedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('startDate')}>
              {d.loan.startDate ? formatDate(d.loan.startDate) : '—'}
            </Descriptions.Item>
            {d.installments && (
              <>
                <Descriptions.Item label={t('outstanding')}>
                  <Amount value={cny(d.principalOutstanding)} />
                </Descriptions.Item>
                <Descriptions.Item label={t('dpd')}>
                  {d.dpd > 0 ? `${d.dpd} (${d.bucket})` : '0'}
                </Descriptions.Item>
              </>
            )}
          </Descriptions>
          {d.installments ? (
            <>
              <Typography.Title level={5}>{t('schedule')}</Typography.Title>
              <Table<Installment>
                size="small"
                rowKey="period"
                pagination={false}
                scroll={{ x: true }}
                dataSource={d.installments}
                columns={[
                  { title: t('period'), dataIndex: 'period' },
                  { title: t('dueDate'), dataIndex: 'dueDate', render: (v: string) => formatDate(v) },
                  ...(['principal', 'interest', 'fee', 'penalty', 'paid', 'outstanding'] as const).map(
                    (key) => ({
                      title: t(key),
                      dataIndex: key,
                      align: 'right' as const,
                      render: (v: string) => <Amount value={cny(v)} />,
                    }),
                  ),
                  {
                    title: t('installmentStatus'),
                    dataIndex: 'status',
                    render: (v: string) => t(`installmentStatuses.${v}`, { defaultValue: v }),
                  },
                ]}
              />
            </>
          ) : (
            <>
              <Typography.Title level={5}>{t('bidsTitle')}</Typography.Title>
              <Table<Bid>
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={d.bids}
                columns={[
                  { title: t('bidAt'), dataIndex: 'createdAt', render: (v: string) => formatDate(v) },
                  {
                    title: t('bidAmount'),
                    dataIndex: 'amount',
                    align: 'right',
                    render: (v: Money) => <Amount value={v} />,
                  },
                  { title: t('bidStatus'), dataIndex: 'status' },
                ]}
              />
            </>
          )}
        </>
      )}
    </Drawer>
  );
}
