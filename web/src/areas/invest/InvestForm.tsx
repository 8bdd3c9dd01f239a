import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Result, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, type Money, newKey } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { compareDecimal, formatMoney } from '../../money.ts';
import {
  admits,
  cny,
  fromMinor,
  type Loan,
  timesRate,
  toMinor,
  useLoanProduct,
  useRiskAssessment,
} from './lending.ts';

interface Bid {
  id: string;
  loanId: string;
  requested: Money;
  amount: Money;
  status: string;
}

/** Invest in a listing: the amount within the product's limits, a suitability warning, a confirm step. */
export function InvestForm({ loan }: { loan: Loan }) {
  const { t } = useTranslation('invest');
  const client = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ amount: string }>();
  const [key, setKey] = useState(newKey);
  const [pending, setPending] = useState<string | null>(null);
  const [done, setDone] = useState<{ bid: Bid; listingFull: boolean } | null>(null);
  const product = useLoanProduct(loan.product);
  const risk = useRiskAssessment();
  const wallet = useQuery({
    queryKey: ['wallet'],
    queryFn: () => api.get<{ available: Money }>('/v1/me/wallet'),
  });
  const bids = useQuery({
    queryKey: ['me', 'bids'],
    queryFn: () => api.get<Bid[]>('/v1/me/bids', { limit: 200 }),
  });
  const amountRules = useAmountRules();
  const bid = useMutation({
    mutationFn: (amount: string) =>
      api.post<{ bid: Bid; listingFull: boolean }>(
        `/v1/lending/listings/${loan.id}/bids`,
        { amount: { amount, currency: 'CNY' } },
        key,
      ),
    onSuccess: (result) => {
      setDone(result);
      setPending(null);
      setKey(newKey());
      form.resetFields();
      for (const k of [['lending'], ['me'], ['wallet'], ['investments']])
        void client.invalidateQueries({ queryKey: k });
    },
    onError: (error) => {
      setPending(null);
      form.setFields(fieldErrors(error));
    },
  });

  if (done)
    return (
      <Card>
        <Result
          status="success"
          title={t('investDone', { amount: formatMoney(done.bid.amount) })}
          subTitle={
            <>
              {compareDecimal(done.bid.amount.amount, done.bid.requested.amount) < 0 && (
                <div>{t('bidCut', { requested: formatMoney(done.bid.requested) })}</div>
              )}
              {done.listingFull ? t('listingNowFull') : t('bidFrozen')}
            </>
          }
          extra={[
            <Button type="primary" key="mine" onClick={() => navigate('/investments')}>
              {t('goToInvestments')}
            </Button>,
            <Button key="again" onClick={() => setDone(null)}>
              {t('investAgain')}
            </Button>,
          ]}
        />
      </Card>
    );

  const config = product.data?.config;
  const remaining = loan.raised ? toMinor(loan.amount.amount) - toMinor(loan.raised.amount) : 0n;
  const held = (bids.data ?? [])
    .filter((b) => b.loanId === loan.id && b.status === 'frozen')
    .reduce((sum, b) => sum + toMinor(b.amount.amount), 0n);
  const cap = config ? toMinor(timesRate(loan.amount.amount, config.maxInvestorShare)) - held : 0n;
  const max = remaining < cap ? remaining : cap;
  const suitable = admits(risk.data, loan.riskLevel);
  const open = loan.status === 'listing' && loan.acceptingManualBids;

  const limitRule = {
    validator: async (_: unknown, value: string | undefined) => {
      if (!value || !config || !/^\d+(\.\d{1,2})?$/.test(value)) return;
      const v = toMinor(value);
      if (v > max) throw new Error(t('overMax', { max: formatMoney(cny(fromMinor(max > 0n ? max : 0n))) }));
      if (v === remaining) return;
      if (v < toMinor(config.minInvestment))
        throw new Error(t('underMin', { min: formatMoney(cny(config.minInvestment)) }));
      if (v % toMinor(config.investmentStep) !== 0n)
        throw new Error(t('notStep', { step: formatMoney(cny(config.investmentStep)) }));
    },
  };

  return (
    <Card title={t('investTitle')}>
      {!open && <Alert type="info" showIcon title={t('notOpen')} style={{ marginBottom: 12 }} />}
      {risk.data && !suitable && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          style={{ marginBottom: 12 }}
          title={risk.data.valid ? t('unsuitableTitle') : t('noAssessmentTitle')}
          description={
            risk.data.valid
              ? t('unsuitable', { level: loan.riskLevel, riskClass: risk.data.riskClass })
              : t('noAssessment')
          }
          action={risk.data.valid ? undefined : <Link to="/account?tab=risk">{t('takeAssessment')}</Link>}
        />
      )}
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('available')}>
          <Amount value={wallet.data?.available} />
        </Descriptions.Item>
        {config && (
          <Descriptions.Item label={t('limits')}>
            {t('limitsText', {
              min: formatMoney(cny(config.minInvestment)),
              step: formatMoney(cny(config.investmentStep)),
              max: formatMoney(cny(fromMinor(max > 0n ? max : 0n))),
            })}
          </Descriptions.Item>
        )}
      </Descriptions>
      {pending === null ? (
        <Form form={form} layout="vertical" onFinish={(v) => setPending(v.amount)} disabled={!open}>
          <Form.Item name="amount" label={t('investAmount')} rules={[...amountRules, limitRule]}>
            <AmountInput placeholder={config?.minInvestment} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block>
            {t('invest')}
          </Button>
        </Form>
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>
            {t('confirmText', { amount: formatMoney(cny(pending)), grade: loan.grade })}
          </Typography.Text>
          <Typography.Text type="secondary">{t('confirmFrozen')}</Typography.Text>
          <Space wrap>
            <Button type="primary" loading={bid.isPending} onClick={() => bid.mutate(pending)}>
              {t('confirmInvest')}
            </Button>
            <Button onClick={() => setPending(null)} disabled={bid.isPending}>
              {t('common:action.cancel')}
            </Button>
          </Space>
        </Space>
      )}
      {bid.isError && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={bid.error} />
        </div>
      )}
    </Card>
  );
}
