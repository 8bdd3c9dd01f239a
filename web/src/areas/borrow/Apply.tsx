import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, InputNumber, Row, Select, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { AmountInput, ErrorAlert, PageTitle, QueryView, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { localName } from '../../i18n/index.ts';
import { amountProblem, compareDecimal, formatMoney, formatRate } from '../../money.ts';
import { cny, type Product, type Schedule, timesRate, toMinor, useProducts } from '../invest/lending.ts';
import { ScheduleTable } from '../invest/ScheduleTable.tsx';
import { BureauConsentField } from '../privacy/BureauConsentField.tsx';
import { Decision, type DecisionResult } from './Decision.tsx';

const PURPOSES = [
  'consumption',
  'education',
  'medical',
  'business',
  'home_improvement',
  'car',
  'travel',
  'debt_consolidation',
  'other',
];
/** Rates to preview at before the decision prices the loan (the risk engine's range is 6%-24%). */
const EXAMPLE_RATES = ['0.0600', '0.0900', '0.1200', '0.1500', '0.1800', '0.2400'];

interface Values {
  productId: string;
  amount: string;
  term: number;
  method: string;
  purpose: string;
  monthlyIncome: string;
  monthlyDebt: string;
  employmentYears?: number;
}

function ApplyForm({ products }: { products: Product[] }) {
  const { t } = useTranslation('borrow');
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const [key, setKey] = useState(newKey);
  const [rate, setRate] = useState('0.1200');
  const [result, setResult] = useState<DecisionResult | null>(null);
  const amountRules = useAmountRules();
  const zeroRules = useAmountRules('CNY', { allowZero: true });
  const productId = Form.useWatch('productId', form) ?? products[0]?.id;
  const amount = Form.useWatch('amount', form) ?? '';
  const term = Form.useWatch('term', form);
  const method = Form.useWatch('method', form);
  const product = products.find((p) => p.id === productId) ?? products[0]!;
  const config = product.config;
  const inRange =
    !amountProblem(amount, 'CNY') &&
    compareDecimal(amount, config.minAmount) >= 0 &&
    compareDecimal(amount, config.maxAmount) <= 0;
  const previewReady = inRange && config.terms.includes(term) && config.methods.includes(method);
  const preview = useQuery({
    queryKey: ['lending', 'preview', productId, amount, term, method, rate],
    enabled: previewReady,
    queryFn: () =>
      api.get<Schedule>('/v1/lending/schedule-preview', {
        principal: amount,
        annualRate: rate,
        term,
        termUnit: config.termUnit,
        method,
        dayCount: config.dayCount,
        // The product's fees, so that the APR is the one of all costs (the decision may price a
        // different upfront fee, and the decision then shows the APR of the loan offered).
        upfrontFee: timesRate(amount, config.upfrontFeeRate),
        reserveContribution: timesRate(amount, config.reserveRate),
        periodFee: timesRate(amount, config.periodFeeRate),
      }),
  });
  const apply = useMutation({
    mutationFn: (v: Values) =>
      api.post<DecisionResult>(
        '/v1/lending/applications',
        {
          productId: v.productId,
          amount: { amount: v.amount, currency: 'CNY' },
          term: v.term,
          method: v.method,
          purpose: v.purpose,
          monthlyIncome: { amount: v.monthlyIncome, currency: 'CNY' },
          monthlyDebt: { amount: v.monthlyDebt, currency: 'CNY' },
          employmentYears: v.employmentYears ?? null,
          bureauConsent: true,
        },
        key,
      ),
    onSuccess: (r) => {
      setResult(r);
      setKey(newKey());
      for (const k of [['my-loans'], ['my-applications'], ['lending', 'listings']])
        void client.invalidateQueries({ queryKey: k });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });

  if (result) return <Decision result={result} onAgain={() => setResult(null)} />;

  const rangeRule = {
    validator: async (_: unknown, value: string | undefined) => {
      if (!value || amountProblem(value, 'CNY')) return;
      if (compareDecimal(value, config.minAmount) < 0 || compareDecimal(value, config.maxAmount) > 0)
        throw new Error(
          t('amountRange', {
            min: formatMoney(cny(config.minAmount)),
            max: formatMoney(cny(config.maxAmount)),
          }),
        );
      if (toMinor(value) % toMinor(config.amountStep) !== 0n)
        throw new Error(t('amountStep', { step: formatMoney(cny(config.amountStep)) }));
    },
  };
  const unit = config.termUnit === 'day' ? 'termDays' : 'termMonths';
  const required = [{ required: true, message: t('common:validation.required') }];

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={10}>
        <Card title={t('applyCard')}>
          <Form
            form={form}
            layout="vertical"
            initialValues={{
              productId: products[0]?.id,
              term: products[0]?.config.terms.includes(12) ? 12 : products[0]?.config.terms[0],
              method: products[0]?.config.methods[0],
              monthlyDebt: '0.00',
            }}
            onValuesChange={(changed: Partial<Values>) => {
              if (changed.productId) {
                const next = products.find((p) => p.id === changed.productId)!;
                form.setFieldsValue({ term: next.config.terms[0], method: next.config.methods[0] });
              }
            }}
            onFinish={(v) => apply.mutate(v)}
          >
            <Form.Item name="productId" label={t('product')} rules={required}>
              <Select options={products.map((p) => ({ value: p.id, label: localName(p.config) }))} />
            </Form.Item>
            <Form.Item
              name="amount"
              label={t('loanAmount')}
              extra={t('amountHint', {
                min: formatMoney(cny(config.minAmount)),
                max: formatMoney(cny(config.maxAmount)),
                step: formatMoney(cny(config.amountStep)),
              })}
              rules={[...amountRules, rangeRule]}
            >
              <AmountInput placeholder={config.minAmount} />
            </Form.Item>
            <Form.Item name="term" label={t('term')} rules={required}>
              <Select options={config.terms.map((n) => ({ value: n, label: t(unit, { count: n }) }))} />
            </Form.Item>
            <Form.Item name="method" label={t('method')} rules={required}>
              <Select options={config.methods.map((m) => ({ value: m, label: t(`invest:methods.${m}`) }))} />
            </Form.Item>
            <Form.Item name="purpose" label={t('purpose')} rules={required}>
              <Select options={PURPOSES.map((p) => ({ value: p, label: t(`invest:purpose.${p}`) }))} />
            </Form.Item>
            <Form.Item name="monthlyIncome" label={t('monthlyIncome')} rules={amountRules}>
              <AmountInput />
            </Form.Item>
            <Form.Item name="monthlyDebt" label={t('monthlyDebt')} rules={zeroRules}>
              <AmountInput />
            </Form.Item>
            <Form.Item name="employmentYears" label={t('employmentYears')}>
              <InputNumber min={0} max={60} precision={0} style={{ width: '100%' }} />
            </Form.Item>
            {apply.isError && (
              <div style={{ marginBottom: 12 }}>
                <ErrorAlert error={apply.error} />
              </div>
            )}
            {!preview.data && (
              <Typography.Paragraph type="secondary">{t('previewFirst')}</Typography.Paragraph>
            )}
            <BureauConsentField />
            <Button type="primary" htmlType="submit" block loading={apply.isPending} disabled={!preview.data}>
              {t('submit')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <Card title={t('previewCard')}>
          <Form layout="vertical">
            <Form.Item label={t('exampleRate')} htmlFor="preview-rate" extra={t('exampleRateHint')}>
              <Select
                id="preview-rate"
                value={rate}
                onChange={setRate}
                options={EXAMPLE_RATES.map((r) => ({ value: r, label: formatRate(r, 0) }))}
              />
            </Form.Item>
          </Form>
          {!previewReady ? (
            <Alert type="info" showIcon title={t('previewNeeds')} />
          ) : preview.isPending ? (
            <Skeleton active />
          ) : preview.isError ? (
            <ErrorAlert error={preview.error} onRetry={() => void preview.refetch()} />
          ) : (
            <>
              <Typography.Paragraph>
                {t('aprLine', { apr: formatRate(preview.data.apr) })}
              </Typography.Paragraph>
              <ScheduleTable schedule={preview.data} caption={t('previewCard')} />
            </>
          )}
        </Card>
      </Col>
    </Row>
  );
}

/** Apply for a loan: the product's limits, a schedule preview before submitting, then the decision. */
export function Apply() {
  const { t } = useTranslation('borrow');
  const products = useProducts();
  return (
    <>
      <PageTitle>{t('applyTitle')}</PageTitle>
      <QueryView query={products} empty={(list) => list.filter((p) => p.status === 'active').length === 0}>
        {(list) => (
          <ApplyForm
            // Products disbursed as soon as they fill come first: the first is the form's default.
            products={list
              .filter((p) => p.status === 'active')
              .sort((a, b) => Number(!!a.config.secondReview) - Number(!!b.config.secondReview))}
          />
        )}
      </QueryView>
    </>
  );
}
