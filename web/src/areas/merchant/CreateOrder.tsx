import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import type { MerchantOrder } from './types.ts';

interface Values {
  amount: string;
  description: string;
  merchantOrderNo?: string;
}

export function CreateOrder({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useTranslation('merchant');
  const [form] = Form.useForm<Values>();
  const [key, setKey] = useState(newKey);
  const client = useQueryClient();
  const { message } = App.useApp();
  const amountRules = useAmountRules();
  const create = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (values: Values) =>
      api.post<MerchantOrder>(
        '/v1/merchant/orders',
        {
          amount: { amount: values.amount, currency: 'CNY' },
          description: values.description,
          ...(values.merchantOrderNo ? { merchantOrderNo: values.merchantOrderNo } : {}),
        },
        key,
      ),
    onSuccess: (order) => {
      setKey(newKey());
      form.resetFields();
      void message.success(t('created'));
      void client.invalidateQueries({ queryKey: ['merchant'] });
      onCreated(order.id);
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <Card title={t('createTitle')}>
      <Form form={form} name="createOrder" layout="vertical" onFinish={(values) => create.mutate(values)}>
        <Form.Item name="amount" label={t('amount')} rules={amountRules}>
          <AmountInput />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('description')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="merchantOrderNo" label={t('orderNo')}>
          <Input maxLength={64} />
        </Form.Item>
        {create.isError && (
          <Form.Item>
            <ErrorAlert error={create.error} />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" loading={create.isPending} block>
          {t('create')}
        </Button>
      </Form>
    </Card>
  );
}
