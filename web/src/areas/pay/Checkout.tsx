import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Form, Input, Result, Space, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { compareDecimal, formatMoney } from '../../money.ts';
import { PayWithCredit } from '../credit/PayWithCredit.tsx';
import { type Order, useWallet } from '../wallet/types.ts';
import { nameOf, useFundToPay } from '../wealth/types.ts';
import { PayFromFund } from './PayFromFund.tsx';

export interface PayerView {
  order: Order & { expiresAt?: string | null };
  merchantName: string;
}

/**
 * One order to pay: who, how much, then the wallet and (above the password-free limit) the password;
 * or credit; or, when the payer's money-market fund has the amount available, the fund.
 */
export function Checkout({ view, onDone }: { view: PayerView; onDone: () => void }) {
  const { t, i18n } = useTranslation('pay');
  const client = useQueryClient();
  const wallet = useWallet();
  const fund = useFundToPay();
  const [form] = Form.useForm<{ paymentPassword?: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const { order, merchantName } = view;
  const pay = useMutation({
    mutationFn: (values: { paymentPassword?: string }) =>
      api.post<Order>(
        `/v1/pay/orders/${order.id}/wallet`,
        { paymentPassword: values.paymentPassword || undefined },
        key,
      ),
    onSuccess: () => {
      renew();
      void client.invalidateQueries({ queryKey: ['wallet'] });
      void client.invalidateQueries({ queryKey: ['transactions'] });
    },
    onError: (error) => {
      renewAfter(error);
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
            {t(`statuses.${pay.data.status}`)}
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

  const payable = order.status === 'awaiting_payment';
  const short = wallet.data && compareDecimal(wallet.data.available.amount, order.amount.amount) < 0;
  const holding = fund.holding.data;
  const fundCovers =
    fund.holds &&
    !!holding &&
    holding.available.currency === order.amount.currency &&
    compareDecimal(holding.available.amount, order.amount.amount) >= 0;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%', maxWidth: 760 }}>
      <Descriptions
        bordered
        size="small"
        column={1}
        items={[
          { key: 'merchant', label: t('merchant'), children: <strong>{merchantName}</strong> },
          { key: 'amount', label: t('amount'), children: <Amount value={order.amount} strong /> },
          { key: 'description', label: t('description'), children: order.description ?? '—' },
          { key: 'status', label: t('status'), children: t(`statuses.${order.status}`) },
          ...(order.expiresAt
            ? [{ key: 'expires', label: t('expires'), children: formatDate(order.expiresAt) }]
            : []),
        ]}
      />
      {!payable ? (
        <Alert type="warning" showIcon title={t('notPayable', { status: t(`statuses.${order.status}`) })} />
      ) : (
        <Tabs
          defaultActiveKey="wallet"
          items={[
            {
              key: 'wallet',
              label: t('credit:checkout.tabWallet'),
              children: (
                <Form
                  name="payWallet"
                  form={form}
                  layout="vertical"
                  onFinish={(values) => pay.mutate(values)}
                >
                  {wallet.data ? (
                    <Alert
                      type={short ? 'warning' : 'info'}
                      showIcon
                      style={{ marginBottom: 16 }}
                      title={t('available', { amount: formatMoney(wallet.data.available) })}
                      description={short ? t('notEnough') : undefined}
                      action={short ? <Link to="/wallet">{t('topUp')}</Link> : undefined}
                    />
                  ) : null}
                  <Form.Item
                    name="paymentPassword"
                    label={t('common:field.paymentPassword')}
                    extra={t('passwordHint')}
                  >
                    <Input.Password maxLength={6} inputMode="numeric" autoComplete="off" />
                  </Form.Item>
                  {pay.isError && <ErrorAlert error={pay.error} />}
                  <Space style={{ marginTop: 12 }} wrap>
                    <Button type="primary" htmlType="submit" loading={pay.isPending}>
                      {t('payWallet')}
                    </Button>
                    <Button onClick={onDone}>{t('cancel')}</Button>
                  </Space>
                </Form>
              ),
            },
            {
              key: 'credit',
              label: t('credit:checkout.tab'),
              children: <PayWithCredit order={order} merchantName={merchantName} onDone={onDone} />,
            },
            ...(fundCovers && holding
              ? [
                  {
                    key: 'fund',
                    label: nameOf(holding.product, i18n.language),
                    children: (
                      <PayFromFund
                        order={order}
                        merchantName={merchantName}
                        fundName={nameOf(holding.product, i18n.language)}
                        holding={holding}
                        overview={fund.overview.data}
                        onDone={onDone}
                      />
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
    </Space>
  );
}
