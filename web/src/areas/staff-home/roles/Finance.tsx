import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../../api.ts';
import { formatMoney } from '../../../money.ts';
import { lines, money, RoleSection } from '../RoleSection.tsx';

interface Flow {
  count: number;
  amount: Money;
  byChannel: { channel: string; count: number; amount: Money }[];
}
interface DaySummary {
  businessDate: string;
  topUps: Flow;
  withdrawals: Flow;
  pending: { count: number; amount: Money };
  exceptions: { open: number; amount: Money };
}

const ZERO: Money = { amount: '0.00', currency: 'CNY' };

/** The day's money in and out, by channel, and the reconciliation exceptions still open. */
export function FinanceSection() {
  const { t } = useTranslation('staffHome');
  const summary = useQuery({
    queryKey: ['staff-home', 'finance'],
    queryFn: () => api.get<DaySummary>('/v1/finance/day-summary'),
  });
  const s = summary.data;
  const channels = s
    ? [...new Set([...s.topUps.byChannel, ...s.withdrawals.byChannel].map((c) => c.channel))]
    : [];
  const channelLines = channels.map((channel) => {
    const into = s?.topUps.byChannel.find((c) => c.channel === channel);
    const out = s?.withdrawals.byChannel.find((c) => c.channel === channel);
    return t('finance.channelLine', {
      channel: t(`channels.${channel}`, { defaultValue: channel }),
      in: formatMoney(into?.amount ?? ZERO),
      inCount: into?.count ?? 0,
      out: formatMoney(out?.amount ?? ZERO),
      outCount: out?.count ?? 0,
    });
  });
  return (
    <RoleSection
      title="finance.title"
      watched={[summary]}
      loading={summary.isPending}
      width="quarter"
      figures={[
        {
          testId: 'finance-in',
          title: 'finance.moneyIn',
          value: money(s?.topUps.amount),
          note: s ? t('finance.orders', { count: s.topUps.count }) : undefined,
        },
        {
          testId: 'finance-out',
          title: 'finance.moneyOut',
          value: money(s?.withdrawals.amount),
          note: s ? t('finance.orders', { count: s.withdrawals.count }) : undefined,
        },
        {
          title: 'finance.byChannel',
          value: lines(channelLines, t('finance.noChannel')),
          note:
            s && s.pending.count > 0
              ? t('finance.pending', { count: s.pending.count, amount: formatMoney(s.pending.amount) })
              : undefined,
        },
        {
          testId: 'finance-exceptions',
          title: 'finance.exceptions',
          value: money(s?.exceptions.amount, !!s?.exceptions.open),
          note: s
            ? t('finance.exceptionsHint', {
                count: s.exceptions.open,
                amount: formatMoney(s.exceptions.amount),
              })
            : undefined,
          link: { to: '/staff/finance', label: 'finance.page' },
        },
      ]}
    />
  );
}
