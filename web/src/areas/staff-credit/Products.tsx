import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Money } from '../../api.ts';
import {
  Amount,
  AmountInput,
  ErrorAlert,
  PageTitle,
  QueryView,
  Rate,
  useAmountRules,
} from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatRate } from '../../money.ts';
import { can, useMe } from '../../session.tsx';
import { useHas } from '../credit/types.ts';

/** A line product at its current version, as GET /v1/credit/staff/products gives it. */
interface LineProduct {
  id: string;
  version: number;
  status: string;
  name: string;
  minLimit: Money;
  maxLimit: Money;
  dailyRate: string;
  maxDailyRate: string;
  instalmentFees: Record<string, string>;
  reviewMonths: number;
  minDraw: Money;
  billing: Record<string, unknown>;
}

const AMOUNT_FIELDS = ['minLimit', 'maxLimit', 'minDraw'] as const;
const RATE_FIELDS = ['dailyRate', 'maxDailyRate'] as const;
const BILLING_NUMBERS = ['statementDay', 'graceDays'] as const;
const BILLING_RATES = ['minPaymentRate', 'penaltyDailyRate', 'fundingCostRate'] as const;

interface Values {
  name: string;
  minLimit: string;
  maxLimit: string;
  minDraw: string;
  dailyRate: string;
  maxDailyRate: string;
  reviewMonths: number;
  fees: Record<string, string>;
  billing: Record<string, string | number>;
}

function Publish({ product, onDone }: { product: LineProduct; onDone: () => void }) {
  const { t } = useTranslation('staffCredit');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const amountRules = useAmountRules();
  const rateRule = {
    pattern: /^(0|[1-9]\d*)(\.\d+)?$/,
    message: t('products.rateMalformed'),
  };
  const publish = useMutation({
    mutationFn: (v: Values) => {
      // A patch of the current version: amounts as money, rates as decimal strings.
      const config = {
        name: v.name.trim(),
        ...Object.fromEntries(AMOUNT_FIELDS.map((k) => [k, { amount: v[k], currency: 'CNY' }])),
        ...Object.fromEntries(RATE_FIELDS.map((k) => [k, v[k].trim()])),
        reviewMonths: v.reviewMonths,
        instalmentFees: Object.fromEntries(Object.entries(v.fees).map(([n, rate]) => [n, rate.trim()])),
        billing: {
          ...Object.fromEntries(BILLING_NUMBERS.map((k) => [k, Number(v.billing[k])])),
          ...Object.fromEntries(BILLING_RATES.map((k) => [k, String(v.billing[k]).trim()])),
        },
      };
      return api.post(`/v1/credit/staff/products/${product.id}/versions`, { config }, key);
    },
    onSuccess: () => {
      renew();
      void message.success(t('products.published'));
      void client.invalidateQueries({ queryKey: ['credit', 'products'] });
      onDone();
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  return (
    <Form<Values>
      name="lineProduct"
      form={form}
      layout="vertical"
      onFinish={(v) => publish.mutate(v)}
      initialValues={{
        name: product.name,
        minLimit: product.minLimit.amount,
        maxLimit: product.maxLimit.amount,
        minDraw: product.minDraw.amount,
        dailyRate: product.dailyRate,
        maxDailyRate: product.maxDailyRate,
        reviewMonths: product.reviewMonths,
        fees: product.instalmentFees,
        billing: Object.fromEntries(
          [...BILLING_NUMBERS, ...BILLING_RATES].map((k) => [k, product.billing[k]]),
        ),
      }}
    >
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="name" label={t('products.name')} rules={[{ required: true, max: 80 }]}>
            <Input />
          </Form.Item>
          {AMOUNT_FIELDS.map((k) => (
            <Form.Item key={k} name={k} label={t(`products.${k}`)} rules={amountRules}>
              <AmountInput />
            </Form.Item>
          ))}
          {RATE_FIELDS.map((k) => (
            <Form.Item
              key={k}
              name={k}
              label={t(`products.${k}`)}
              rules={[{ required: true }, rateRule]}
              extra={t('products.rateHint')}
            >
              <Input inputMode="decimal" />
            </Form.Item>
          ))}
          <Form.Item name="reviewMonths" label={t('products.reviewMonths')}>
            <InputNumber min={1} max={60} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          {Object.keys(product.instalmentFees).map((months) => (
            <Form.Item
              key={months}
              name={['fees', months]}
              label={t('products.fee', { count: Number(months) })}
              rules={[{ required: true }, rateRule]}
            >
              <Input inputMode="decimal" />
            </Form.Item>
          ))}
          {BILLING_NUMBERS.map((k) => (
            <Form.Item key={k} name={['billing', k]} label={t(`products.${k}`)}>
              <InputNumber min={1} max={28} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          ))}
          {BILLING_RATES.map((k) => (
            <Form.Item key={k} name={['billing', k]} label={t(`products.${k}`)} rules={[rateRule]}>
              <Input inputMode="decimal" />
            </Form.Item>
          ))}
        </Col>
      </Row>
      {publish.isError && <ErrorAlert error={publish.error} />}
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" htmlType="submit" loading={publish.isPending}>
          {t('products.publish')}
        </Button>
        <Button onClick={onDone}>{t('common:action.cancel')}</Button>
      </Space>
    </Form>
  );
}

function ProductCard({ product }: { product: LineProduct }) {
  const { t } = useTranslation('staffCredit');
  const me = useMe();
  const canPublish =
    useHas('POST /v1/credit/staff/products/{id}/versions') === true && can(me.data, 'credit:manage');
  const [editing, setEditing] = useState(false);
  const billing = product.billing;
  return (
    <Card
      title={
        <span>
          {product.name} <Tag>{t('products.version', { version: product.version })}</Tag>
        </span>
      }
      extra={
        canPublish && !editing ? (
          <Button onClick={() => setEditing(true)}>{t('products.newVersion')}</Button>
        ) : null
      }
    >
      {editing ? (
        <Publish product={product} onDone={() => setEditing(false)} />
      ) : (
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2 }}
          items={[
            ...AMOUNT_FIELDS.map((k) => ({
              key: k,
              label: t(`products.${k}`),
              children: <Amount value={product[k]} />,
            })),
            { key: 'dailyRate', label: t('products.dailyRate'), children: formatRate(product.dailyRate, 4) },
            {
              key: 'maxDailyRate',
              label: t('products.maxDailyRate'),
              children: formatRate(product.maxDailyRate, 4),
            },
            {
              key: 'review',
              label: t('products.reviewMonths'),
              children: t('credit:months', { count: product.reviewMonths }),
            },
            ...Object.entries(product.instalmentFees).map(([months, rate]) => ({
              key: `fee-${months}`,
              label: t('products.fee', { count: Number(months) }),
              children: <Rate value={rate} />,
            })),
            ...BILLING_NUMBERS.filter((k) => typeof billing[k] === 'number').map((k) => ({
              key: k,
              label: t(`products.${k}`),
              children: String(billing[k]),
            })),
            ...BILLING_RATES.filter((k) => typeof billing[k] === 'string').map((k) => ({
              key: k,
              label: t(`products.${k}`),
              children: formatRate(billing[k] as string, k === 'penaltyDailyRate' ? 4 : 2),
            })),
          ]}
        />
      )}
    </Card>
  );
}

/** The line products' settings: the current version, and a new version published by credit managers. */
export function LineProducts() {
  const { t } = useTranslation('staffCredit');
  const has = useHas('GET /v1/credit/staff/products');
  const products = useQuery({
    queryKey: ['credit', 'products'],
    enabled: has === true,
    queryFn: async () => (await api.get<{ items: LineProduct[] }>('/v1/credit/staff/products')).items,
  });
  return (
    <>
      <PageTitle>{t('products.title')}</PageTitle>
      {has === false ? (
        <Alert type="info" showIcon title={t('products.notYet')} />
      ) : (
        <QueryView query={products} empty={(items) => items.length === 0}>
          {(items) => (
            <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
              {items.map((p) => (
                <ProductCard key={`${p.id}-${p.version}`} product={p} />
              ))}
            </Space>
          )}
        </QueryView>
      )}
    </>
  );
}
