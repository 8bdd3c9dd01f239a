/** The money-market fund's order forms: subscribe and redeem, each showing when the order trades, confirms or pays before it is confirmed. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, Form, Modal, Radio } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { currentLanguage, formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { useSuitability } from './Suitability.tsx';
import type { MmfHolding, MmfOrder, MmfOverview } from './types.ts';

function Timing({ overview, kind }: { overview: MmfOverview; kind: 'subscribe' | 'redeem' }) {
  const { t } = useTranslation('wealth');
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      items={[
        {
          key: 'cutoff',
          label: t('mmf.cutOff'),
          children: t('mmf.cutOffValue', { time: overview.cutOff }),
        },
        {
          key: 'now',
          label: t('mmf.placedNow'),
          children: overview.beforeCutOff ? t('mmf.before') : t('mmf.after'),
        },
        { key: 'trade', label: t('mmf.tradeDate'), children: formatDate(overview.tradeDate) },
        ...(kind === 'subscribe'
          ? [
              { key: 'confirm', label: t('mmf.confirmDate'), children: formatDate(overview.confirmDate) },
              { key: 'earns', label: t('mmf.earnsFrom'), children: formatDate(overview.incomeStartsOn) },
            ]
          : [
              {
                key: 'paid',
                label: t('mmf.paidOn'),
                children: `${t('mmf.normal')}: ${formatDate(overview.normalRedemptionPaidOn)}`,
              },
              {
                key: 'quick',
                label: t('mmf.quickLeft'),
                children: <Amount value={overview.quick.left} />,
              },
            ]),
      ]}
    />
  );
}

export function Subscribe({ overview }: { overview: MmfOverview }) {
  const { t } = useTranslation('wealth');
  const client = useQueryClient();
  const [form] = Form.useForm<{ amount: string }>();
  const rules = useAmountRules();
  const { key, renew, renewAfter } = useFormKey();
  const suitability = useSuitability();
  const [review, setReview] = useState<string | null>(null);
  const subscribe = useMutation({
    mutationFn: (v: { amount: string; acknowledgeRisk?: boolean }) =>
      api.post<MmfOrder>(
        '/v1/wealth/mmf/subscriptions',
        {
          amount: { amount: v.amount, currency: 'CNY' },
          language: currentLanguage(),
          ...(v.acknowledgeRisk ? { acknowledgeRisk: true } : {}),
        },
        key,
      ),
    onSuccess: () => {
      renew();
      setReview(null);
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['wealth'] });
      void client.invalidateQueries({ queryKey: ['wallet'] });
    },
    onError: (error, v) => {
      renewAfter(error);
      setReview(null);
      if (!suitability.intercept(error, () => subscribe.mutate({ ...v, acknowledgeRisk: true })))
        form.setFields(fieldErrors(error));
    },
  });
  return (
    <Card title={t('mmf.subscribe')}>
      {subscribe.isSuccess && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('mmf.subscribed', {
            amount: formatMoney(subscribe.data.amount),
            date: formatDate(subscribe.data.confirmDate),
          })}
        />
      )}
      <Form
        name="mmf-subscribe"
        form={form}
        layout="vertical"
        onFinish={(v) => {
          subscribe.reset();
          setReview(v.amount);
        }}
      >
        <Form.Item
          name="amount"
          label={t('mmf.amount')}
          rules={rules}
          extra={t('mmf.minimum', { amount: formatMoney(overview.terms.minSubscription) })}
        >
          <AmountInput />
        </Form.Item>
        <Timing overview={overview} kind="subscribe" />
        {subscribe.isError && !review && (
          <div style={{ marginTop: 12 }}>
            <ErrorAlert error={subscribe.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" style={{ marginTop: 12 }}>
          {t('mmf.review')}
        </Button>
      </Form>
      <Modal
        open={review !== null}
        title={t('mmf.confirmSubscribe')}
        okText={t('mmf.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={subscribe.isPending}
        destroyOnHidden
        onOk={() => review && subscribe.mutate({ amount: review })}
        onCancel={() => setReview(null)}
      >
        <Descriptions
          size="small"
          column={1}
          style={{ marginBottom: 12 }}
          items={[
            {
              key: 'amount',
              label: t('mmf.amount'),
              children: <Amount value={{ amount: review ?? '0', currency: 'CNY' }} strong />,
            },
          ]}
        />
        <Timing overview={overview} kind="subscribe" />
      </Modal>
      {suitability.dialog}
    </Card>
  );
}

export function Redeem({ overview, holding }: { overview: MmfOverview; holding: MmfHolding }) {
  const { t } = useTranslation('wealth');
  const client = useQueryClient();
  const [form] = Form.useForm<{ units: string; mode: 'normal' | 'quick' }>();
  const rules = useAmountRules();
  const { key, renew, renewAfter } = useFormKey();
  const [review, setReview] = useState<{ units: string; mode: 'normal' | 'quick' } | null>(null);
  const redeem = useMutation({
    mutationFn: (v: { units: string; mode: 'normal' | 'quick' }) =>
      api.post<MmfOrder>(
        '/v1/wealth/mmf/redemptions',
        { units: { amount: v.units, currency: 'CNY' }, mode: v.mode },
        key,
      ),
    onSuccess: () => {
      renew();
      setReview(null);
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['wealth'] });
      void client.invalidateQueries({ queryKey: ['wallet'] });
    },
    onError: (error) => {
      renewAfter(error);
      setReview(null);
      form.setFields(fieldErrors(error));
    },
  });
  const done = redeem.data;
  return (
    <Card title={t('mmf.redeem')}>
      {done && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={
            done.mode === 'quick'
              ? t('mmf.redeemedQuick', { amount: formatMoney(done.amount) })
              : t('mmf.redeemedNormal', {
                  amount: formatMoney(done.amount),
                  date: formatDate(done.payDate),
                })
          }
        />
      )}
      <Form
        name="mmf-redeem"
        form={form}
        layout="vertical"
        initialValues={{ mode: 'normal' }}
        onFinish={(v) => {
          redeem.reset();
          setReview(v);
        }}
      >
        <Form.Item
          name="units"
          label={t('mmf.unitsToRedeem')}
          rules={rules}
          extra={`${t('mmf.available')}: ${formatMoney(holding.available)}`}
        >
          <AmountInput />
        </Form.Item>
        <Form.Item name="mode" label={t('mmf.mode')}>
          <Radio.Group>
            <Flex vertical gap={4}>
              <Radio value="normal">
                {t('mmf.normal')}（
                {t('mmf.normalHint', { date: formatDate(overview.normalRedemptionPaidOn) })}）
              </Radio>
              <Radio value="quick">
                {t('mmf.quick')}（{t('mmf.quickHint', { left: formatMoney(overview.quick.left) })}）
              </Radio>
            </Flex>
          </Radio.Group>
        </Form.Item>
        {redeem.isError && !review && <ErrorAlert error={redeem.error} />}
        <Button htmlType="submit" style={{ marginTop: 12 }} disabled={holding.holdingId === null}>
          {t('mmf.review')}
        </Button>
      </Form>
      <Modal
        open={review !== null}
        title={t('mmf.confirmRedeem')}
        okText={t('mmf.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={redeem.isPending}
        destroyOnHidden
        onOk={() => review && redeem.mutate(review)}
        onCancel={() => setReview(null)}
      >
        {review && (
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                key: 'units',
                label: t('mmf.unitsToRedeem'),
                children: <Amount value={{ amount: review.units, currency: 'CNY' }} strong />,
              },
              { key: 'mode', label: t('mmf.mode'), children: t(`mmf.${review.mode}`) },
              { key: 'trade', label: t('mmf.tradeDate'), children: formatDate(overview.tradeDate) },
              {
                key: 'paid',
                label: t('mmf.paidOn'),
                children:
                  review.mode === 'quick'
                    ? t('mmf.quickHint', { left: formatMoney(overview.quick.left) })
                    : formatDate(overview.normalRedemptionPaidOn),
              },
            ]}
          />
        )}
      </Modal>
    </Card>
  );
}
