import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Amount } from '../../components/ui.tsx';
import type { Order } from './types.ts';

/** What a wallet form shows once its order is made: amount, status, a note, and "make another". */
export function OrderResult({
  order,
  title,
  ok = true,
  note,
  onAgain,
}: {
  order: Order;
  title: string;
  ok?: boolean;
  note?: ReactNode;
  onAgain: () => void;
}) {
  const { t } = useTranslation('wallet');
  return (
    <Result
      status={ok ? 'success' : 'error'}
      title={title}
      subTitle={
        <span role="status">
          <Amount value={order.amount} /> · {t(`statuses.${order.status}`)}
          {note ? <> · {note}</> : null}
        </span>
      }
      extra={[
        <Button key="again" onClick={onAgain}>
          {t('another')}
        </Button>,
      ]}
    />
  );
}
