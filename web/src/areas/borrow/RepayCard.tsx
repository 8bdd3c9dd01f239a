import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Money, newKey } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { cny } from '../invest/lending.ts';
import type { LoanView } from './loan-view.ts';

export function invalidateLoan(client: ReturnType<typeof useQueryClient>, id: string) {
  for (const k of [['my-loans'], ['my-loan', id], ['payoff', id], ['wallet']])
    void client.invalidateQueries({ queryKey: k });
}

export function useWallet() {
  return useQuery({ queryKey: ['wallet'], queryFn: () => api.get<{ available: Money }>('/v1/me/wallet') });
}

/** Repay from the wallet: what is due (all or part), or the next instalment early. No payment password is asked by the API. */
export function RepayCard({ view }: { view: LoanView }) {
  const { t } = useTranslation('borrow');
  const { message } = App.useApp();
  const client = useQueryClient();
  const wallet = useWallet();
  const [form] = Form.useForm<{ mode: 'due' | 'next'; amount?: string }>();
  const [key, setKey] = useState(newKey);
  const [confirming, setConfirming] = useState<{ mode: 'due' | 'next'; amount?: string } | null>(null);
  const amountRules = useAmountRules('CNY', { required: false });
  const hasDue = view.due !== '0.00';
  const mode = Form.useWatch('mode', form) ?? (hasDue ? 'due' : 'next');
  const repay = useMutation({
    mutationFn: (v: { mode: 'due' | 'next'; amount?: string }) =>
      api.post<{ amount: string; loanStatus: string }>(
        `/v1/me/loans/${view.loan.id}/repayments`,
        { mode: v.mode, ...(v.amount ? { amount: { amount: v.amount, currency: 'CNY' } } : {}) },
        key,
      ),
    onSuccess: (r) => {
      void message.success(t('repaid', { amount: formatMoney(cny(r.amount)) }));
      setKey(newKey());
      setConfirming(null);
      form.resetFields();
      invalidateLoan(client, view.loan.id);
    },
    onError: (error) => {
      setConfirming(null);
      form.setFields(fieldErrors(error));
    },
  });
  const expected = mode === 'due' ? view.due : null;
  return (
    <Card title={t('repayTitle')}>
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('dueNow')}>
          <Amount value={cny(view.due)} strong />
        </Descriptions.Item>
        <Descriptions.Item label={t('nextDue')}>
          {view.nextDue ? (
            <span>
              {formatDate(view.nextDue.date)} · <Amount value={cny(view.nextDue.amount)} />
            </span>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('walletAvailable')}>
          <Amount value={wallet.data?.available} />
        </Descriptions.Item>
      </Descriptions>
      {confirming ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>
            {confirming.amount
              ? t('confirmRepayAmount', { amount: formatMoney(cny(confirming.amount)) })
              : confirming.mode === 'due'
                ? t('confirmRepayDue', { amount: formatMoney(cny(view.due)) })
                : t('confirmRepayNext', {
                    amount: formatMoney(cny(view.nextDue?.amount ?? '0.00')),
                    due: formatMoney(cny(view.due)),
                  })}
          </Typography.Text>
          <Space wrap>
            <Button type="primary" loading={repay.isPending} onClick={() => repay.mutate(confirming)}>
              {t('confirmRepay')}
            </Button>
            <Button disabled={repay.isPending} onClick={() => setConfirming(null)}>
              {t('common:action.cancel')}
            </Button>
          </Space>
        </Space>
      ) : (
        <Form
          form={form}
          layout="vertical"
          initialValues={{ mode: hasDue ? 'due' : 'next' }}
          onFinish={(v) => setConfirming({ mode: v.mode, amount: v.amount || undefined })}
        >
          <Form.Item name="mode" label={t('repayWhat')}>
            <Radio.Group
              options={[
                { value: 'due', label: t('modeDue'), disabled: !hasDue },
                { value: 'next', label: t('modeNext'), disabled: !view.nextDue },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="amount"
            label={t('repayAmount')}
            extra={
              expected ? t('repayAmountHint', { amount: formatMoney(cny(expected)) }) : t('repayNextHint')
            }
            rules={amountRules}
          >
            <AmountInput />
          </Form.Item>
          <Button type="primary" htmlType="submit" disabled={!hasDue && !view.nextDue}>
            {t('repayNow')}
          </Button>
        </Form>
      )}
      {repay.isError && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={repay.error} />
        </div>
      )}
    </Card>
  );
}
