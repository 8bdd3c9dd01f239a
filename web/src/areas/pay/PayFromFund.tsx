import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Result, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { compareDecimal, formatDecimal, formatMoney } from '../../money.ts';
import { type MmfHolding, type MmfOrder, type MmfOverview, quotaLeftOf } from '../wealth/types.ts';

interface FundPayment {
  paymentOrderId: string;
  status: string;
  amount: Money;
  redemption: MmfOrder;
}

/**
 * Pay a merchant order from the money-market fund: the API redeems the order's amount quickly and
 * pays it in one transaction (POST /v1/wealth/mmf/pay). Shown with the units available and today's
 * quick-redemption quota left; the payment password as the wallet payment asks for it.
 */
export function PayFromFund({
  order,
  merchantName,
  fundName,
  holding,
  overview,
  onDone,
}: {
  order: { id: string; amount: Money };
  merchantName: string;
  fundName: string;
  holding: MmfHolding;
  overview: MmfOverview | undefined;
  onDone: () => void;
}) {
  const { t } = useTranslation('pay');
  const client = useQueryClient();
  const [form] = Form.useForm<{ paymentPassword?: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const refresh = () => {
    for (const k of [['wallet'], ['transactions'], ['wealth']])
      void client.invalidateQueries({ queryKey: k });
  };
  const pay = useMutation({
    mutationFn: (values: { paymentPassword?: string }) =>
      api.post<FundPayment>(
        '/v1/wealth/mmf/pay',
        { orderId: order.id, paymentPassword: values.paymentPassword || undefined },
        key,
      ),
    onSuccess: () => {
      renew();
      refresh();
    },
    onError: (error) => {
      renewAfter(error);
      // The quota or the holding may have changed elsewhere: show today's figures again.
      void client.invalidateQueries({ queryKey: ['wealth'] });
      form.setFields(fieldErrors(error));
      form.setFieldValue('paymentPassword', '');
    },
  });

  if (pay.isSuccess) {
    const ok = pay.data.status === 'succeeded';
    return (
      <Result
        status={ok ? 'success' : 'error'}
        title={ok ? t('paid') : t('failed')}
        subTitle={
          <span role="status">
            {t('paidTo', { amount: formatMoney(pay.data.amount), merchant: merchantName })} ·{' '}
            {t(`statuses.${pay.data.status}`)} ·{' '}
            {t('fund.redeemed', {
              units: formatDecimal(pay.data.redemption.amount.amount),
              fund: fundName,
            })}
          </span>
        }
        extra={[
          <Button key="again" type="primary" onClick={onDone}>
            {t('another')}
          </Button>,
        ]}
      />
    );
  }

  const quotaLeft = overview?.quick.left;
  const overQuota = !!quotaLeft && compareDecimal(quotaLeft.amount, order.amount.amount) < 0;
  const refusedLeft = quotaLeftOf(pay.error);
  return (
    <Form name="payFund" form={form} layout="vertical" onFinish={(values) => pay.mutate(values)}>
      <Alert
        type={overQuota ? 'warning' : 'info'}
        showIcon
        style={{ marginBottom: 16 }}
        title={t('fund.available', { units: formatDecimal(holding.available.amount), fund: fundName })}
        description={
          <span data-testid="fund-quota">
            {quotaLeft ? t('fund.quotaLeft', { amount: formatMoney(quotaLeft) }) : t('fund.quotaLoading')}
            {overQuota ? ` ${t('fund.overQuota')}` : ''}
          </span>
        }
      />
      <Form.Item name="paymentPassword" label={t('common:field.paymentPassword')} extra={t('passwordHint')}>
        <Input.Password maxLength={6} inputMode="numeric" autoComplete="off" />
      </Form.Item>
      {pay.isError && <ErrorAlert error={pay.error} />}
      {refusedLeft !== undefined && (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 8 }}
          title={t('fund.leftToday', { amount: formatMoney(refusedLeft) })}
        />
      )}
      <Space style={{ marginTop: 12 }} wrap>
        <Button type="primary" htmlType="submit" loading={pay.isPending} disabled={overQuota}>
          {t('fund.pay', { fund: fundName })}
        </Button>
        <Button onClick={onDone}>{t('cancel')}</Button>
      </Space>
    </Form>
  );
}
