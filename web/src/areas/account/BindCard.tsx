import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { DevInbox } from '../auth/DevInbox.tsx';
import type { BankCard } from '../wallet/types.ts';
import { luhnValid } from './idNumber.ts';

/**
 * Binding a card: the number and the phone reserved at the bank (a four-element check with the
 * verified identity), then the SMS code sent to that phone.
 */
export function BindCard({
  pending,
  onDone,
}: {
  pending?: { id: string; phone?: string } | null;
  onDone: () => void;
}) {
  const { t } = useTranslation('account');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<{ cardNumber: string; reservedPhone: string }>();
  const [codeForm] = Form.useForm<{ code: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const [card, setCard] = useState<{ id: string; phone?: string } | null>(pending ?? null);
  const required = { required: true, message: t('common:validation.required') };

  const start = useMutation({
    mutationFn: (values: { cardNumber: string; reservedPhone: string }) =>
      api.post<BankCard>(
        '/v1/me/cards',
        { cardNumber: values.cardNumber.replace(/\s/g, ''), reservedPhone: values.reservedPhone.trim() },
        key,
      ),
    onSuccess: (created, values) => {
      renew();
      setCard({ id: created.id, phone: values.reservedPhone.trim() });
      void client.invalidateQueries({ queryKey: ['cards'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  const confirm = useMutation({
    mutationFn: (values: { code: string }) =>
      api.post<BankCard>(`/v1/me/cards/${card!.id}/confirm`, { code: values.code.trim() }),
    onSuccess: () => {
      void message.success(t('cards.bound'));
      void client.invalidateQueries({ queryKey: ['cards'] });
      onDone();
    },
    onError: (error) => codeForm.setFields(fieldErrors(error)),
  });

  if (card) {
    return (
      <div style={{ display: 'grid', gap: 16, maxWidth: 420 }}>
        <Form name="cardCode" form={codeForm} layout="vertical" onFinish={(values) => confirm.mutate(values)}>
          <Typography.Paragraph>{t('cards.codeSentTo')}</Typography.Paragraph>
          <Form.Item name="code" label={t('cards.code')} rules={[required]}>
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
          </Form.Item>
          {confirm.isError && <ErrorAlert error={confirm.error} />}
          <Button
            type="primary"
            htmlType="submit"
            loading={confirm.isPending}
            block
            style={{ marginTop: 12 }}
          >
            {t('cards.confirm')}
          </Button>
        </Form>
        {card.phone ? <DevInbox phone={card.phone} /> : null}
      </div>
    );
  }

  return (
    <Form
      name="bindCard"
      form={form}
      layout="vertical"
      onFinish={(values) => start.mutate(values)}
      style={{ maxWidth: 420 }}
    >
      <Form.Item
        name="cardNumber"
        label={t('cards.cardNumber')}
        rules={[
          required,
          {
            validator: async (_rule, value: string | undefined) => {
              const digits = (value ?? '').replace(/\s/g, '');
              if (!digits) return;
              if (!/^\d{16,19}$/.test(digits)) throw new Error(t('cards.cardNumberFormat'));
              if (!luhnValid(digits)) throw new Error(t('cards.cardChecksum'));
            },
          },
        ]}
      >
        <Input inputMode="numeric" autoComplete="cc-number" maxLength={23} />
      </Form.Item>
      <Form.Item
        name="reservedPhone"
        label={t('cards.reservedPhone')}
        rules={[required, { pattern: /^1\d{10}$/, message: t('common:validation.phone_malformed') }]}
      >
        <Input inputMode="tel" autoComplete="tel" maxLength={11} />
      </Form.Item>
      {start.isError && <ErrorAlert error={start.error} />}
      <Button type="primary" htmlType="submit" loading={start.isPending} block style={{ marginTop: 12 }}>
        {t('cards.sendCode')}
      </Button>
    </Form>
  );
}
