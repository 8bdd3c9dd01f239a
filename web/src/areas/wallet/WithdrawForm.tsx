import { Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { CardSelect } from './CardSelect.tsx';
import { OrderResult } from './OrderResult.tsx';
import type { BankCard } from './types.ts';
import { useOrderSubmit } from './useOrderSubmit.ts';

interface Values {
  amount: string;
  cardId: string;
  paymentPassword: string;
}

export function WithdrawForm({ cards }: { cards: BankCard[] }) {
  const { t } = useTranslation('wallet');
  const [form] = Form.useForm<Values>();
  const amountRules = useAmountRules();
  const submit = useOrderSubmit(form, '/v1/me/withdrawals', (values: Values) => ({
    amount: { amount: values.amount, currency: 'CNY' },
    cardId: values.cardId,
    paymentPassword: values.paymentPassword,
  }));

  if (submit.isSuccess) {
    return (
      <OrderResult
        order={submit.data}
        title={t('withdrawSubmitted')}
        note={t('withdrawHint')}
        onAgain={() => {
          submit.reset();
          form.resetFields();
        }}
      />
    );
  }

  return (
    <Form
      name="withdraw"
      form={form}
      layout="vertical"
      initialValues={{ cardId: cards[0]?.id }}
      onFinish={(values) => submit.mutate(values)}
      style={{ maxWidth: 420 }}
    >
      <Form.Item name="amount" label={t('common:field.amount')} rules={amountRules} extra={t('fee')}>
        <AmountInput />
      </Form.Item>
      <Form.Item
        name="cardId"
        label={t('card')}
        rules={[{ required: true, message: t('common:validation.required') }]}
      >
        <CardSelect cards={cards} />
      </Form.Item>
      <Form.Item
        name="paymentPassword"
        label={t('common:field.paymentPassword')}
        rules={[{ required: true, message: t('common:validation.required') }]}
      >
        <Input.Password maxLength={6} inputMode="numeric" autoComplete="off" />
      </Form.Item>
      {submit.isError && <ErrorAlert error={submit.error} />}
      <Button type="primary" htmlType="submit" loading={submit.isPending} block style={{ marginTop: 12 }}>
        {t('withdraw')}
      </Button>
    </Form>
  );
}
