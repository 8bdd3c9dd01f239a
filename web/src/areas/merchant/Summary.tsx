import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { Amount, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';

interface DaySummary {
  businessDate: string;
  payments: { count: number; amount: Money };
  refunds: { count: number; amount: Money };
  net: Money;
  awaiting: number;
  expired: number;
  balance: Money;
}

export function Summary() {
  const { t } = useTranslation('merchant');
  const summary = useQuery({
    queryKey: ['merchant', 'summary'],
    queryFn: () => api.get<DaySummary>('/v1/merchant/summary'),
  });
  return (
    <Card title={t('summaryTitle')}>
      <QueryView query={summary}>
        {(s) => (
          <Descriptions
            column={{ xs: 1, sm: 2 }}
            size="small"
            items={[
              { key: 'date', label: t('businessDate'), children: formatDate(s.businessDate) },
              { key: 'balance', label: t('balance'), children: <Amount value={s.balance} strong /> },
              {
                key: 'payments',
                label: t('payments'),
                children: (
                  <span>
                    <Amount value={s.payments.amount} /> · {t('count', { count: s.payments.count })}
                  </span>
                ),
              },
              {
                key: 'refunds',
                label: t('refunds'),
                children: (
                  <span>
                    <Amount value={s.refunds.amount} /> · {t('count', { count: s.refunds.count })}
                  </span>
                ),
              },
              { key: 'net', label: t('net'), children: <Amount value={s.net} strong /> },
              { key: 'awaiting', label: t('awaiting'), children: s.awaiting },
              { key: 'expired', label: t('expired'), children: s.expired },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
