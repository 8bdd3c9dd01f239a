import { Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Amount } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { cny } from '../invest/lending.ts';
import type { LineEvent } from './types.ts';

const KIND_COLOURS: Record<string, string> = {
  granted: 'green',
  declined: 'red',
  frozen: 'blue',
  unfrozen: 'cyan',
  raised: 'gold',
  closed: 'default',
  draw: 'purple',
  repayment: 'green',
};

/** What a repayment went to, as the history records it ("interest 1.20, principal 98.80"). */
function Details({ event }: { event: LineEvent }) {
  const { t } = useTranslation('credit');
  const d = event.details ?? {};
  const parts: string[] = [];
  for (const key of ['penalty', 'fees', 'interest', 'principal'] as const) {
    const value = d[key];
    if (typeof value === 'string' && value !== '0.00')
      parts.push(`${t(`part.${key}`)} ${formatMoneyText(value)}`);
  }
  if (typeof d.merchant === 'string') parts.push(d.merchant);
  if (typeof d.endsOn === 'string') parts.push(t('history.until', { date: formatDate(d.endsOn) }));
  if (typeof d.months === 'number') parts.push(t('months', { count: d.months }));
  if (typeof d.instalments === 'number')
    parts.push(d.instalments > 1 ? t('instalmentsCount', { count: d.instalments }) : t('checkout.inFull'));
  if (typeof d.fee === 'string' && d.fee !== '0.00')
    parts.push(`${t('checkout.fee')} ${formatMoneyText(d.fee)}`);
  if (typeof d.from === 'string' && typeof d.to === 'string')
    parts.push(t('history.fromTo', { from: formatMoneyText(d.from), to: formatMoneyText(d.to) }));
  if (typeof d.dpd === 'number') parts.push(t('line.overdueDays', { days: d.dpd }));
  if (d.via === 'auto_debit') parts.push(t('history.autoDebit'));
  return parts.length ? <Typography.Text type="secondary">{parts.join(' · ')}</Typography.Text> : null;
}

function formatMoneyText(amount: string) {
  return `¥${amount.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

/** Events only the customer's own request makes (a repayment unless it was the auto-debit). */
const CUSTOMER_KINDS = ['draw', 'purchase', 'statement_converted', 'billing_changed', 'repayment'];

/**
 * Who acted, as the customer reads it. The server records the customer's own draws and repayments
 * without an actor (as "system"); those kinds come only from the customer's own requests, so they
 * read "you" (or "customer" for staff).
 */
function actorOf(e: LineEvent, customerId?: string): string {
  const own = CUSTOMER_KINDS.includes(e.kind) && e.details?.via !== 'auto_debit';
  const staffView = e.actor === undefined;
  const actor =
    e.actor ?? (e.actorId === 'system' ? 'system' : e.actorId === customerId ? 'customer' : 'staff');
  if (actor === 'system' && own) return staffView ? 'customer' : 'you';
  return actor;
}

/**
 * A line's history, newest first: every decision with its reason, draws and repayments, and who
 * acted (the customer sees "you", "staff" or "system").
 */
export function LineHistory({
  events,
  customerId,
}: {
  events: LineEvent[];
  /** For staff: the line's customer, to name who acted without showing an id. */
  customerId?: string;
}) {
  const { t } = useTranslation('credit');
  return (
    <Table<LineEvent>
      rowKey="id"
      size="small"
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      dataSource={events}
      scroll={{ x: 'max-content' }}
      aria-label={t('history.title')}
      columns={[
        { key: 'date', title: t('history.date'), render: (_, e) => formatDate(e.businessDate) },
        {
          key: 'kind',
          title: t('history.event'),
          render: (_, e) => (
            <Tag color={KIND_COLOURS[e.kind] ?? 'default'}>
              {t(`event.${e.kind}`, { defaultValue: t('event.other') })}
            </Tag>
          ),
        },
        {
          key: 'amount',
          title: t('history.amount'),
          align: 'right',
          render: (_, e) => (e.amount ? <Amount value={cny(e.amount)} /> : '—'),
        },
        {
          key: 'reason',
          title: t('history.reason'),
          render: (_, e) => (
            <>
              {e.reason ? <div>{t(`reasonText.${e.reason}`, { defaultValue: e.reason })}</div> : null}
              <Details event={e} />
            </>
          ),
        },
        {
          key: 'actor',
          title: t('history.actor'),
          render: (_, e) => t(`actor.${actorOf(e, customerId)}`),
        },
      ]}
    />
  );
}
