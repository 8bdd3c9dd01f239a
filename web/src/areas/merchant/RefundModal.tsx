import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import type { MerchantOrder } from './types.ts';

interface Values {
  amount: string;
  reason?: string;
}

export function RefundModal({ order, onClose }: { order: MerchantOrder | null; onClose: () => void }) {
  const { t } = useTranslation('merchant');
  const [form] = Form.useForm<Values>();
  const [key, setKey] = useState(newKey);
  const client = useQueryClient();
  const { message } = App.useApp();
  const rules = useAmountRules();
  const refund = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (values: Values) =>
      api.post(
        `/v1/merchant/orders/${order!.id}/refunds`,
        {
          amount: { amount: values.amount, currency: 'CNY' },
          ...(values.reason ? { reason: values.reason } : {}),
        },
        key,
      ),
    onSuccess: () => {
      setKey(newKey());
      void message.success(t('refundDone'));
      void client.invalidateQueries({ queryKey: ['merchant'] });
      onClose();
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <Modal
      open={!!order}
      title={t('refundTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('sendRefund')}
      cancelText={t('common:action.cancel')}
      confirmLoading={refund.isPending}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (!open) refund.reset();
      }}
    >
      {order && (
        <Typography.Paragraph>
          {order.description} · {t('paid')} <Amount value={order.amount} />
        </Typography.Paragraph>
      )}
      <Form
        form={form}
        name="refund"
        layout="vertical"
        onFinish={(values) => refund.mutate(values)}
        preserve={false}
      >
        <Form.Item name="amount" label={t('refundAmount')} rules={rules}>
          <AmountInput />
        </Form.Item>
        <Form.Item name="reason" label={t('reason')}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
      {refund.isError && <ErrorAlert error={refund.error} />}
    </Modal>
  );
}
