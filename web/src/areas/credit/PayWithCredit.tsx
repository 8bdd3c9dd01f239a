import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Form, Input, Modal, Result, Skeleton, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, Rate } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { compareDecimal, formatMoney } from '../../money.ts';
import { minorOf, purchaseOptionsOf } from './calc.ts';
import { OptionsTable, useEachText } from './Options.tsx';
import { currentLine, type Plan, type PurchaseOption, useHas, useLines } from './types.ts';

interface Purchased {
  plan: Plan;
  order: { id: string; status: string; amount: Money; merchantName: string };
}

/**
 * Pay a merchant's order with credit: in full by the statement's due date (free) or in 3, 6 or 12
 * instalments, each option's fee, instalments and APR shown before confirming, with the payment
 * password as the wallet payment asks for it.
 */
export function PayWithCredit({
  order,
  merchantName,
  onDone,
}: {
  order: { id: string; amount: Money };
  merchantName: string;
  onDone: () => void;
}) {
  const { t } = useTranslation('credit');
  const client = useQueryClient();
  const [form] = Form.useForm<{ paymentPassword?: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const lines = useLines();
  const line = currentLine(lines.data);
  const serverOptions = useHas('GET /v1/credit/lines/{id}/purchase-options');
  const canPurchase = useHas('POST /v1/credit/lines/{id}/purchases');
  const [choice, setChoice] = useState<number | null>(1);
  const [confirming, setConfirming] = useState(false);
  const eachText = useEachText();
  const options = useQuery({
    queryKey: ['credit', 'purchase-options', line?.id, order.amount.amount, serverOptions],
    enabled: !!line && line.status === 'active' && serverOptions !== undefined,
    queryFn: async () =>
      serverOptions
        ? (
            await api.get<{ options: PurchaseOption[] }>(`/v1/credit/lines/${line!.id}/purchase-options`, {
              amount: order.amount.amount,
            })
          ).options
        : purchaseOptionsOf(minorOf(order.amount), line!.pricing),
  });
  const buy = useMutation({
    mutationFn: (v: { paymentPassword?: string }) =>
      api.post<Purchased>(
        `/v1/credit/lines/${line!.id}/purchases`,
        { orderId: order.id, instalments: choice, paymentPassword: v.paymentPassword || undefined },
        key,
      ),
    onSuccess: () => {
      renew();
      setConfirming(false);
      void client.invalidateQueries({ queryKey: ['credit'] });
    },
    onError: (error) => {
      renewAfter(error);
      setConfirming(false);
      form.setFields(fieldErrors(error));
      form.setFieldValue('paymentPassword', '');
    },
  });

  if (lines.isPending) return <Skeleton active />;
  if (lines.isError) return <ErrorAlert error={lines.error} />;
  if (!line || line.status === 'referred')
    return (
      <Alert
        type="info"
        showIcon
        title={t('checkout.noLine')}
        action={<Link to="/credit">{t('checkout.getLine')}</Link>}
      />
    );
  if (line.status !== 'active')
    return (
      <Alert type="warning" showIcon title={t('draw.notActive', { status: t(`status.${line.status}`) })} />
    );

  if (buy.isSuccess) {
    const { plan, order: paid } = buy.data;
    return (
      <Result
        status="success"
        title={t('checkout.paid')}
        subTitle={
          <span role="status">
            {t('checkout.paidTo', {
              amount: formatMoney(paid.amount),
              merchant: paid.merchantName ?? merchantName,
            })}{' '}
            ·{' '}
            {plan.instalments > 1 ? t('instalmentsCount', { count: plan.instalments }) : t('checkout.inFull')}
          </span>
        }
        extra={[
          <Link key="plans" to="/credit?tab=plans">
            {t('tab.plans')}
          </Link>,
          <Button key="again" type="primary" onClick={onDone}>
            {t('checkout.another')}
          </Button>,
        ]}
      />
    );
  }

  const short = line.available && compareDecimal(line.available.amount, order.amount.amount) < 0;
  const chosen = options.data?.find((o) => o.instalments === choice);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Alert
        type={short ? 'warning' : 'info'}
        showIcon
        title={t('checkout.available', { amount: formatMoney(line.available) })}
        description={short ? t('checkout.notEnough') : undefined}
      />
      {options.isPending ? (
        <Skeleton active />
      ) : options.isError ? (
        <ErrorAlert error={options.error} />
      ) : (
        <OptionsTable
          options={options.data}
          value={choice}
          onChange={setChoice}
          label={t('checkout.options')}
        />
      )}
      {!canPurchase && <Alert type="info" showIcon title={t('checkout.notYet')} />}
      <Form name="payCredit" form={form} layout="vertical" onFinish={() => setConfirming(true)}>
        <Form.Item
          name="paymentPassword"
          label={t('common:field.paymentPassword')}
          extra={t('pay:passwordHint')}
        >
          <Input.Password maxLength={6} inputMode="numeric" autoComplete="off" />
        </Form.Item>
        {buy.isError && <ErrorAlert error={buy.error} />}
        <Space style={{ marginTop: 12 }} wrap>
          <Button type="primary" htmlType="submit" disabled={!chosen || !!short || !canPurchase}>
            {t('checkout.review')}
          </Button>
          <Button onClick={onDone}>{t('common:action.cancel')}</Button>
        </Space>
      </Form>
      <Modal
        open={confirming && !!chosen}
        title={t('checkout.confirmTitle')}
        okText={t('checkout.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={buy.isPending}
        onOk={() => buy.mutate(form.getFieldsValue())}
        onCancel={() => setConfirming(false)}
      >
        {chosen && (
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'merchant', label: t('pay:merchant'), children: merchantName },
              { key: 'amount', label: t('pay:amount'), children: <Amount value={order.amount} strong /> },
              {
                key: 'option',
                label: t('checkout.option'),
                children:
                  chosen.instalments === 1
                    ? t('checkout.inFull')
                    : t('instalmentsCount', { count: chosen.instalments }),
              },
              { key: 'fee', label: t('checkout.fee'), children: <Amount value={chosen.fee} /> },
              { key: 'each', label: t('checkout.each'), children: eachText(chosen) },
              { key: 'total', label: t('checkout.total'), children: <Amount value={chosen.total} strong /> },
              {
                key: 'apr',
                label: t('apr'),
                children: chosen.instalments === 1 ? t('checkout.noInterest') : <Rate value={chosen.apr} />,
              },
              ...(chosen.firstDueOn
                ? [{ key: 'due', label: t('checkout.firstDue'), children: formatDate(chosen.firstDueOn) }]
                : []),
            ]}
          />
        )}
      </Modal>
    </Space>
  );
}
