import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Row,
  Skeleton,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { EChart } from '../../components/EChart.tsx';
import { Amount, AmountInput, ErrorAlert, QueryView, Rate, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { currentLanguage, formatDate } from '../../i18n/index.ts';
import { amountProblem, formatDecimal, formatMoney, formatRate } from '../../money.ts';
import { fromCents, subscriptionFee, toCents, unitsAt } from './fees.ts';
import { useSuitability } from './Suitability.tsx';
import { type Fund, type FundOrder, nameOf, useFunds, useMyFunds } from './types.ts';

function NavChart({ fund }: { fund: Fund }) {
  const { t } = useTranslation('wealth');
  const detail = useQuery({
    queryKey: ['wealth', 'fund', fund.id],
    queryFn: () => api.get<Fund>(`/v1/wealth/funds/${fund.id}`),
  });
  const history = detail.data?.history ?? [];
  const option = useMemo(
    () => ({
      grid: { left: 56, right: 16, top: 24, bottom: 32 },
      tooltip: { trigger: 'axis' as const },
      xAxis: { type: 'category' as const, data: history.map((p) => formatDate(p.date)) },
      yAxis: { type: 'value' as const, scale: true },
      // Plotting only: the NAV shown as text stays the API's string.
      series: [
        { name: t('funds.latestNav'), type: 'line' as const, data: history.map((p) => Number(p.nav)) },
      ],
    }),
    [history, t],
  );
  if (detail.isPending) return <Skeleton active />;
  if (detail.isError) return <ErrorAlert error={detail.error} />;
  return <EChart option={option} label={t('funds.navChart')} height={220} />;
}

function FeeTable({ fund }: { fund: Fund }) {
  const { t } = useTranslation('wealth');
  return (
    <Descriptions
      size="small"
      column={1}
      items={[
        {
          key: 'sub',
          label: t('funds.fees'),
          children: (
            <Flex vertical>
              {fund.subscriptionFeeTiers.map((tier) => (
                <span key={tier.upTo?.amount ?? 'rest'}>
                  {tier.upTo ? t('funds.below', { amount: formatMoney(tier.upTo) }) : t('funds.above')}:{' '}
                  <Rate value={tier.rate} />{' '}
                  <Typography.Text type="secondary" delete>
                    {t('funds.listed', { rate: formatRate(tier.listedRate) })}
                  </Typography.Text>
                </span>
              ))}
            </Flex>
          ),
        },
        {
          key: 'red',
          label: t('funds.redemptionFees'),
          children: (
            <Flex vertical>
              {fund.redemptionFeeTiers.map((tier) => (
                <span key={tier.heldDaysUnder ?? 'rest'}>
                  {tier.heldDaysUnder === null
                    ? t('funds.heldLonger')
                    : t('funds.heldUnder', { days: tier.heldDaysUnder })}
                  : <Rate value={tier.rate} />
                </span>
              ))}
            </Flex>
          ),
        },
        { key: 'settle', label: t('funds.settlement', { days: fund.settlementDays }), children: '' },
      ]}
    />
  );
}

function SubscribeFund({ fund }: { fund: Fund }) {
  const { t } = useTranslation('wealth');
  const client = useQueryClient();
  const [form] = Form.useForm<{ amount: string }>();
  const amount = Form.useWatch('amount', form) ?? '';
  const rules = useAmountRules();
  const { key, renew, renewAfter } = useFormKey();
  const suitability = useSuitability();
  const [review, setReview] = useState<string | null>(null);
  const valid = amount !== '' && !amountProblem(amount, 'CNY');
  const fee = valid ? subscriptionFee(fund, toCents(amount)) : null;
  const invested = fee ? toCents(amount) - fee.fee : null;
  const subscribe = useMutation({
    mutationFn: (v: { amount: string; acknowledgeRisk?: boolean }) =>
      api.post<FundOrder>(
        `/v1/wealth/funds/${fund.id}/subscriptions`,
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
  const feeFacts =
    fee && invested !== null
      ? [
          { key: 'rate', label: t('funds.feeRate'), children: <Rate value={fee.rate} /> },
          {
            key: 'fee',
            label: t('funds.feeFor'),
            children: <Amount value={{ amount: fromCents(fee.fee), currency: 'CNY' }} />,
          },
          {
            key: 'net',
            label: t('funds.invested'),
            children: <Amount value={{ amount: fromCents(invested), currency: 'CNY' }} />,
          },
        ]
      : [];
  const estimate =
    invested !== null && fund.latestNav
      ? t('funds.estimate', { units: formatDecimal(fromCents(unitsAt(invested, fund.latestNav.nav))) })
      : null;
  return (
    <>
      {subscribe.isSuccess && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('funds.subscribed', { date: formatDate(subscribe.data.tradeDate) })}
        />
      )}
      <Form
        name={`fund-subscribe-${fund.code}`}
        form={form}
        layout="vertical"
        onFinish={(v) => {
          subscribe.reset();
          setReview(v.amount);
        }}
      >
        <Form.Item
          name="amount"
          label={t('funds.amount')}
          rules={rules}
          extra={t('mmf.minimum', { amount: formatMoney(fund.minSubscription) })}
        >
          <AmountInput />
        </Form.Item>
        {feeFacts.length > 0 && <Descriptions size="small" column={1} items={feeFacts} />}
        {estimate && <Typography.Paragraph type="secondary">{estimate}</Typography.Paragraph>}
        <Typography.Paragraph type="secondary">{t('funds.rule', { time: fund.cutOff })}</Typography.Paragraph>
        {subscribe.isError && !review && <ErrorAlert error={subscribe.error} />}
        <Button type="primary" htmlType="submit" style={{ marginTop: 8 }}>
          {t('funds.review')}
        </Button>
      </Form>
      <Modal
        open={review !== null}
        title={t('funds.confirmSubscribe')}
        okText={t('funds.confirm')}
        cancelText={t('common:action.cancel')}
        confirmLoading={subscribe.isPending}
        destroyOnHidden
        onOk={() => review && subscribe.mutate({ amount: review })}
        onCancel={() => setReview(null)}
      >
        <Descriptions
          size="small"
          column={1}
          bordered
          items={[
            {
              key: 'amount',
              label: t('funds.amount'),
              children: <Amount value={{ amount: review ?? '0', currency: 'CNY' }} strong />,
            },
            ...feeFacts,
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('funds.rule', { time: fund.cutOff })}
        </Typography.Paragraph>
      </Modal>
      {suitability.dialog}
    </>
  );
}

function RedeemFund({ fund, available }: { fund: Fund; available: string }) {
  const { t } = useTranslation('wealth');
  const client = useQueryClient();
  const [form] = Form.useForm<{ units: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const redeem = useMutation({
    mutationFn: (v: { units: string }) =>
      api.post<FundOrder>(`/v1/wealth/funds/${fund.id}/redemptions`, { units: v.units.trim() }, key),
    onSuccess: () => {
      renew();
      form.resetFields();
      void client.invalidateQueries({ queryKey: ['wealth'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  return (
    <Form name={`fund-redeem-${fund.code}`} form={form} layout="vertical" onFinish={(v) => redeem.mutate(v)}>
      {redeem.isSuccess && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('funds.redeemed', {
            date: formatDate(redeem.data.tradeDate),
            pay: formatDate(redeem.data.payDate),
          })}
        />
      )}
      <Form.Item
        name="units"
        label={t('funds.units')}
        extra={t('funds.available', { units: formatDecimal(available) })}
        rules={[
          { required: true, message: t('common:validation.required') },
          { pattern: /^(0|[1-9]\d*)(\.\d{1,2})?$/, message: t('common:validation.amount_malformed') },
        ]}
      >
        <Input inputMode="decimal" autoComplete="off" />
      </Form.Item>
      {redeem.isError && <ErrorAlert error={redeem.error} />}
      <Button htmlType="submit" loading={redeem.isPending} style={{ marginTop: 8 }}>
        {t('funds.redeem')}
      </Button>
    </Form>
  );
}

/** The distributed mutual funds: NAV, fees, chart, subscribe (fee shown) and redeem. */
export function Funds() {
  const { t, i18n } = useTranslation('wealth');
  const funds = useFunds();
  const mine = useMyFunds();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <QueryView query={funds} empty={(list) => list.length === 0}>
      {(list) => (
        <Flex vertical gap={16}>
          {list.map((fund) => {
            const held = mine.data?.holdings.find((h) => h.fund.id === fund.id);
            return (
              <Card
                key={fund.id}
                title={
                  <Flex gap={8} align="center" wrap>
                    <span>{nameOf(fund, i18n.language)}</span>
                    <Tag>{t('risk', { level: fund.riskLevel })}</Tag>
                  </Flex>
                }
                extra={
                  <Button
                    aria-expanded={open === fund.id}
                    onClick={() => setOpen(open === fund.id ? null : fund.id)}
                  >
                    {t('funds.open')}
                  </Button>
                }
              >
                <Descriptions
                  size="small"
                  column={{ xs: 1, sm: 3 }}
                  items={[
                    { key: 'code', label: t('funds.code'), children: fund.fundCode },
                    { key: 'manager', label: t('funds.manager'), children: fund.manager },
                    {
                      key: 'nav',
                      label: t('funds.latestNav'),
                      children: fund.latestNav
                        ? t('funds.navOn', { nav: fund.latestNav.nav, date: formatDate(fund.latestNav.date) })
                        : '—',
                    },
                  ]}
                />
                {open === fund.id && (
                  <Row gutter={[16, 16]} style={{ marginTop: 12 }}>
                    <Col xs={24} lg={14}>
                      <NavChart fund={fund} />
                      <FeeTable fund={fund} />
                      <Typography.Paragraph type="secondary">
                        {t('funds.feeFormula')}: {fund.feeFormula}
                      </Typography.Paragraph>
                    </Col>
                    <Col xs={24} lg={10}>
                      <Card size="small" title={t('funds.subscribe')}>
                        <SubscribeFund fund={fund} />
                      </Card>
                      {held && (
                        <Card size="small" title={t('funds.redeem')} style={{ marginTop: 12 }}>
                          <RedeemFund fund={fund} available={held.available} />
                        </Card>
                      )}
                    </Col>
                  </Row>
                )}
              </Card>
            );
          })}
        </Flex>
      )}
    </QueryView>
  );
}
