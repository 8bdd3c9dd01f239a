import { Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { OrderResult } from './OrderResult.tsx';
import { useOrderSubmit } from './useOrderSubmit.ts';

interface Values {
  toPhone: string;
  amount: string;
  paymentPassword?: string;
  note?: string;
}

export function TransferForm() {
  const { t } = useTranslation('wallet');
  const [form] = Form.useForm<Values>();
  const amountRules = useAmountRules();
  const submit = useOrderSubmit(form, '/v1/me/transfers', (values: Values) => ({
    toPhone: values.toPhone.trim(),
    amount: { amount: values.amount, currency: 'CNY' },
    paymentPassword: values.paymentPassword || undefined,
    note: values.note?.trim() || undefined,
  }));

  if (submit.isSuccess) {
    return (
      <OrderResult
        order={submit.data}
        title={t('transferDone')}
        onAgain={() => {
          submit.reset();
          form.resetFields();
        }}
      />
    );
  }

  return (
    <Form
      name="transfer"
      form={form}
      layout="vertical"
      onFinish={(values) => submit.mutate(values)}
      style={{ maxWidth: 420 }}
    >
      <Form.Item
        name="toPhone"
        label={t('toPhone')}
        rules={[
          { required: true, message: t('common:validation.required') },
          { pattern: /^1\d{10}$/, message: t('common:validation.phone_malformed') },
        ]}
      >
        <Input inputMode="tel" autoComplete="off" maxLength={11} />
      </Form.Item>
      <Form.Item name="amount" label={t('common:field.amount')} rules={amountRules}>
        <AmountInput />
      </Form.Item>
      <Form.Item name="paymentPassword" label={t('paymentPasswordOptional')}>
        <Input.Password maxLength={6} inputMode="numeric" autoComplete="off" />
      </Form.Item>
      <Form.Item name="note" label={t('note')}>
        <Input maxLength={100} />
      </Form.Item>
      {submit.isError && <ErrorAlert error={submit.error} />}
      <Button type="primary" htmlType="submit" loading={submit.isPending} block style={{ marginTop: 12 }}>
        {t('transfer')}
      </Button>
    </Form>
  );
}
