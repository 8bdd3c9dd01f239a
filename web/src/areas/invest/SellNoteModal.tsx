import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import type { NoteStatement } from './Investments.tsx';
import { cny, percentToRate } from './lending.ts';

/** Offer all or part of a note at a discount (the API checks holding days, blackout, the discount cap). */
export function SellNoteModal({ note, onClose }: { note: NoteStatement; onClose: () => void }) {
  const { t } = useTranslation('invest');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<{ principal?: string; discount: string }>();
  const [key] = useState(newKey);
  const principalRules = useAmountRules('CNY', { required: false });
  const sell = useMutation({
    mutationFn: (v: { principal?: string; discount: string }) =>
      api.post(
        `/v1/me/notes/${note.noteId}/listings`,
        {
          ...(v.principal ? { principal: { amount: v.principal, currency: 'CNY' } } : {}),
          discountRate: percentToRate(v.discount),
        },
        key,
      ),
    onSuccess: () => {
      void message.success(t('sellDone'));
      for (const k of [['note-listings'], ['investments']]) void client.invalidateQueries({ queryKey: k });
      onClose();
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <Modal
      open
      title={t('sellTitle')}
      okText={t('sellConfirm')}
      cancelText={t('common:action.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={sell.isPending}
    >
      <Typography.Paragraph>
        {t('sellOutstanding')} <Amount value={cny(note.outstandingPrincipal)} strong />
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => sell.mutate(v)}>
        <Form.Item
          name="principal"
          label={t('sellPrincipal')}
          extra={t('sellPrincipalHint')}
          rules={principalRules}
        >
          <AmountInput />
        </Form.Item>
        <Form.Item
          name="discount"
          label={t('discountPercent')}
          extra={t('discountHint')}
          rules={[
            { required: true, message: t('common:validation.required') },
            { pattern: /^\d+(\.\d{1,2})?$/, message: t('discountMalformed') },
          ]}
        >
          <Input inputMode="decimal" suffix="%" autoComplete="off" />
        </Form.Item>
      </Form>
      {sell.isError && <ErrorAlert error={sell.error} />}
    </Modal>
  );
}
