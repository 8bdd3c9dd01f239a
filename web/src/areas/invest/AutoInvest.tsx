import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { AmountInput, ErrorAlert, PageTitle, QueryView, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { compareDecimal, formatRate } from '../../money.ts';
import { percentToRate } from './lending.ts';

interface Rule {
  enabled: boolean;
  grades: string[];
  minRate: string;
  maxRate: string;
  minTerm: number;
  maxTerm: number;
  amountPerLoan: string;
  keepBalance: string;
  maxPerBorrower: string;
  lastServedAt: string | null;
  updatedAt: string;
}
interface Values {
  enabled: boolean;
  grades: string[];
  minRate: string;
  maxRate: string;
  minTerm: number;
  maxTerm: number;
  amountPerLoan: string;
  keepBalance: string;
  maxPerBorrower: string;
}

const toPercent = (rate: string) => formatRate(rate, 2).replace('%', '').replace(/,/g, '');
const money = (amount: string) => ({ amount, currency: 'CNY' });

function RuleForm({ rule }: { rule: Rule | null }) {
  const { t } = useTranslation('invest');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [key, setKey] = useState(newKey);
  const amountRules = useAmountRules();
  const zeroRules = useAmountRules('CNY', { allowZero: true });
  const rateRules = [
    { required: true, message: t('common:validation.required') },
    { pattern: /^\d+(\.\d{1,2})?$/, message: t('discountMalformed') },
  ];
  const save = useMutation({
    mutationFn: (v: Values) =>
      api.put<Rule>(
        '/v1/me/auto-invest',
        {
          enabled: v.enabled,
          grades: v.grades,
          minRate: percentToRate(v.minRate),
          maxRate: percentToRate(v.maxRate),
          minTerm: v.minTerm,
          maxTerm: v.maxTerm,
          amountPerLoan: money(v.amountPerLoan),
          keepBalance: money(v.keepBalance),
          maxPerBorrower: money(v.maxPerBorrower),
        },
        key,
      ),
    onSuccess: () => {
      setKey(newKey());
      void message.success(t('autoSaved'));
      void client.invalidateQueries({ queryKey: ['auto-invest'] });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const initial: Values = rule
    ? { ...rule, minRate: toPercent(rule.minRate), maxRate: toPercent(rule.maxRate) }
    : {
        enabled: true,
        grades: ['A', 'B', 'C'],
        minRate: '8',
        maxRate: '24',
        minTerm: 3,
        maxTerm: 12,
        amountPerLoan: '100.00',
        keepBalance: '0.00',
        maxPerBorrower: '1000.00',
      };
  return (
    <Card>
      {rule && (
        <Typography.Paragraph type="secondary">
          {t('autoUpdated', { date: formatDate(rule.updatedAt) })}
          {rule.lastServedAt ? ` · ${t('autoServed', { date: formatDate(rule.lastServedAt) })}` : ''}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="enabled" label={t('autoEnabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item
          name="grades"
          label={t('autoGrades')}
          // A validator, not `required`: antd would mark the group aria-required, which a group may not be.
          rules={[
            {
              validator: async (_rule, value: string[] | undefined) => {
                if (!value?.length) throw new Error(t('common:validation.required'));
              },
            },
          ]}
        >
          <Checkbox.Group
            role="group"
            aria-label={t('autoGrades')}
            options={['A', 'B', 'C', 'D', 'E', 'F'].map((g) => ({ value: g, label: g }))}
          />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={12}>
            <Form.Item name="minRate" label={t('autoMinRate')} rules={rateRules}>
              <Input inputMode="decimal" suffix="%" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item
              name="maxRate"
              label={t('autoMaxRate')}
              dependencies={['minRate']}
              rules={[
                ...rateRules,
                ({ getFieldValue }) => ({
                  validator: async (_, value: string) => {
                    const low = percentToRate(getFieldValue('minRate') ?? '');
                    const high = percentToRate(value ?? '');
                    if (low && high && compareDecimal(high, low) < 0) throw new Error(t('rangeOrder'));
                  },
                }),
              ]}
            >
              <Input inputMode="decimal" suffix="%" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item
              name="minTerm"
              label={t('autoMinTerm')}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <InputNumber min={1} max={360} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item
              name="maxTerm"
              label={t('autoMaxTerm')}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <InputNumber min={1} max={360} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="amountPerLoan" label={t('autoPerLoan')} rules={amountRules}>
              <AmountInput />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="keepBalance" label={t('autoKeep')} rules={zeroRules}>
              <AmountInput />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="maxPerBorrower" label={t('autoPerBorrower')} rules={amountRules}>
              <AmountInput />
            </Form.Item>
          </Col>
        </Row>
        {save.isError && (
          <div style={{ marginBottom: 12 }}>
            <ErrorAlert error={save.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('autoSave')}
        </Button>
      </Form>
    </Card>
  );
}

/** The auto-invest rule (自动投标): served when a listing opens, before manual bids. */
export function AutoInvest() {
  const { t } = useTranslation('invest');
  const rule = useQuery({
    queryKey: ['auto-invest'],
    queryFn: () => api.get<Rule | null>('/v1/me/auto-invest'),
  });
  return (
    <>
      <PageTitle>{t('autoTitle')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('autoHint')}</Typography.Paragraph>
      <QueryView query={rule}>{(r) => <RuleForm rule={r} />}</QueryView>
    </>
  );
}
