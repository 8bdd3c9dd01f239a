import { useQueryClient } from '@tanstack/react-query';
import { Button, Form, Result, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { CardSelect } from './CardSelect.tsx';
import { OrderResult } from './OrderResult.tsx';
import { type BankCard, isFinal, useOrder } from './types.ts';
import { useOrderSubmit } from './useOrderSubmit.ts';

interface Values {
  amount: string;
  cardId: string;
}

/** Top-up from a bound card: the gateway confirms later, so the order is polled until final. */
export function TopUpForm({ cards }: { cards: BankCard[] }) {
  const { t } = useTranslation('wallet');
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [orderId, setOrderId] = useState<string | null>(null);
  const order = useOrder(orderId);
  const amountRules = useAmountRules();
  const submit = useOrderSubmit(
    form,
    '/v1/me/top-ups',
    (values: Values) => ({ amount: { amount: values.amount, currency: 'CNY' }, cardId: values.cardId }),
    (created) => setOrderId(created.id),
  );
  const done = order.data && isFinal(order.data.status);
  useEffect(() => {
    if (done) {
      void client.invalidateQueries({ queryKey: ['wallet'] });
      void client.invalidateQueries({ queryKey: ['transactions'] });
    }
  }, [done, client]);

  if (orderId) {
    const again = () => {
      setOrderId(null);
      submit.reset();
      form.resetFields();
    };
    if (order.isError) return <ErrorAlert error={order.error} onRetry={() => void order.refetch()} />;
    if (!order.data || !done)
      return (
        <Result
          icon={<Spin size="large" />}
          title={t('waiting')}
          subTitle={order.data ? <Amount value={order.data.amount} /> : null}
        />
      );
    return (
      <OrderResult
        order={order.data}
        ok={order.data.status === 'succeeded'}
        title={order.data.status === 'succeeded' ? t('succeeded') : t('topUpFailed')}
        note={
          order.data.failureCode
            ? t(`failures.${order.data.failureCode}`, { defaultValue: order.data.failureCode })
            : undefined
        }
        onAgain={again}
      />
    );
  }

  return (
    <Form
      name="topUp"
      form={form}
      layout="vertical"
      initialValues={{ cardId: cards[0]?.id }}
      onFinish={(values) => submit.mutate(values)}
      style={{ maxWidth: 420 }}
    >
      <Form.Item name="amount" label={t('common:field.amount')} rules={amountRules}>
        <AmountInput />
      </Form.Item>
      <Form.Item
        name="cardId"
        label={t('card')}
        rules={[{ required: true, message: t('common:validation.required') }]}
      >
        <CardSelect cards={cards} />
      </Form.Item>
      {submit.isError && <ErrorAlert error={submit.error} />}
      <Button type="primary" htmlType="submit" loading={submit.isPending} block style={{ marginTop: 12 }}>
        {t('topUp')}
      </Button>
    </Form>
  );
}
