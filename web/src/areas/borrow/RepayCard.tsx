import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Money, newKey } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatDecimal, formatMoney } from '../../money.ts';
import { cny } from '../invest/lending.ts';
import { nameOf, quotaLeftOf, useFundToPay } from '../wealth/types.ts';
import type { LoanView } from './loan-view.ts';

export function invalidateLoan(client: ReturnType<typeof useQueryClient>, id: string) {
  for (const k of [['my-loans'], ['my-loan', id], ['payoff', id], ['wallet']])
    void client.invalidateQueries({ queryKey: k });
}

export function useWallet() {
  return useQuery({ queryKey: ['wallet'], queryFn: () => api.get<{ available: Money }>('/v1/me/wallet') });
}

type Source = 'wallet' | 'fund';
interface RepayValues {
  source: Source;
  mode: 'due' | 'next';
  amount?: string;
}

/**
 * Repay from the wallet: what is due (all or part), or the next instalment early; or, when the
 * borrower holds units of the money-market fund, what is due from the fund (a quick redemption and
 * the repayment in one transaction, POST /v1/wealth/mmf/repay). No payment password is asked by the API.
 */
export function RepayCard({ view }: { view: LoanView }) {
  const { t, i18n } = useTranslation('borrow');
  const { message } = App.useApp();
  const client = useQueryClient();
  const wallet = useWallet();
  const fund = useFundToPay();
  const [form] = Form.useForm<RepayValues>();
  const [key, setKey] = useState(newKey);
  const [confirming, setConfirming] = useState<RepayValues | null>(null);
  const amountRules = useAmountRules('CNY', { required: false });
  const hasDue = view.due !== '0.00';
  const mode = Form.useWatch('mode', form) ?? (hasDue ? 'due' : 'next');
  const fundOffered = fund.holds && hasDue && !!fund.holding.data;
  const watchedSource = Form.useWatch('source', form);
  const source: Source = fundOffered && watchedSource === 'fund' ? 'fund' : 'wallet';
  const fundName = fund.holding.data ? nameOf(fund.holding.data.product, i18n.language) : '';
  const repay = useMutation({
    mutationFn: async (v: RepayValues) => {
      const amount = v.amount ? { amount: { amount: v.amount, currency: 'CNY' } } : {};
      if (v.source === 'fund') {
        const r = await api.post<{ repayment: { amount: string; loanStatus: string } }>(
          '/v1/wealth/mmf/repay',
          { loanId: view.loan.id, ...amount },
          key,
        );
        return r.repayment;
      }
      return api.post<{ amount: string; loanStatus: string }>(
        `/v1/me/loans/${view.loan.id}/repayments`,
        { mode: v.mode, ...amount },
        key,
      );
    },
    onSuccess: (r, v) => {
      void message.success(
        v.source === 'fund'
          ? t('repaidFromFund', { amount: formatMoney(cny(r.amount)), fund: fundName })
          : t('repaid', { amount: formatMoney(cny(r.amount)) }),
      );
      setKey(newKey());
      setConfirming(null);
      form.resetFields();
      invalidateLoan(client, view.loan.id);
      if (v.source === 'fund') void client.invalidateQueries({ queryKey: ['wealth'] });
    },
    onError: (error, v) => {
      setConfirming(null);
      form.setFields(fieldErrors(error));
      // A refused payment from the fund may mean the quota changed: show today's figures again.
      if (v.source === 'fund') void client.invalidateQueries({ queryKey: ['wealth'] });
    },
  });
  const refusedLeft = quotaLeftOf(repay.error);
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
        {fundOffered && fund.holding.data ? (
          <Descriptions.Item label={t('fundAvailable', { fund: fundName })}>
            {t('fundUnits', { units: formatDecimal(fund.holding.data.available.amount) })}
            {fund.overview.data
              ? ` · ${t('fundQuotaLeft', { amount: formatMoney(fund.overview.data.quick.left) })}`
              : ''}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {confirming ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>
            {confirming.source === 'fund'
              ? t('confirmRepayFund', {
                  amount: formatMoney(cny(confirming.amount ?? view.due)),
                  fund: fundName,
                })
              : confirming.amount
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
          initialValues={{ source: 'wallet', mode: hasDue ? 'due' : 'next' }}
          onFinish={(v) =>
            setConfirming({
              source,
              mode: source === 'fund' ? 'due' : v.mode,
              amount: v.amount || undefined,
            })
          }
        >
          {fundOffered && (
            <Form.Item name="source" label={t('repayFrom')}>
              <Radio.Group
                options={[
                  { value: 'wallet', label: t('fromWallet') },
                  { value: 'fund', label: t('fromFund', { fund: fundName }) },
                ]}
                onChange={(e) => {
                  // The fund repays what is due only (not the next instalment early).
                  if (e.target.value === 'fund') form.setFieldValue('mode', 'due');
                }}
              />
            </Form.Item>
          )}
          <Form.Item name="mode" label={t('repayWhat')}>
            <Radio.Group
              options={[
                { value: 'due', label: t('modeDue'), disabled: !hasDue },
                { value: 'next', label: t('modeNext'), disabled: !view.nextDue || source === 'fund' },
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
          {refusedLeft && (
            <Alert
              type="info"
              showIcon
              style={{ marginTop: 8 }}
              title={t('fundQuotaLeft', { amount: formatMoney(refusedLeft) })}
            />
          )}
        </div>
      )}
    </Card>
  );
}
