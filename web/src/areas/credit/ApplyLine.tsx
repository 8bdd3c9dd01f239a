import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, InputNumber, Result, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatMoney } from '../../money.ts';
import { BureauConsentField } from '../privacy/BureauConsentField.tsx';
import type { Line } from './types.ts';

interface Values {
  monthlyIncome: string;
  monthlyDebt: string;
  employmentYears?: number;
  requestedLimit?: string;
}

interface Decided {
  line: Line;
  decision: {
    decisionId: string;
    outcome: 'approve' | 'refer' | 'decline';
    grade: string | null;
    reasons: string[];
  };
}

/** A reason code of the decision in words (the loan graph's and the line graph's share their codes). */
export function useReasonText() {
  const { t } = useTranslation('credit');
  return (code: string) =>
    t(`reasonText.${code}`, {
      defaultValue: t(`borrow:reason.${code}`, { defaultValue: t('reasonText.other') }),
    });
}

/** Apply for a line: income, debts and years in work; the line graph decides at once. */
export function ApplyLine({ onDecided }: { onDecided?: () => void }) {
  const { t } = useTranslation('credit');
  const [form] = Form.useForm<Values>();
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const amountRules = useAmountRules();
  const zeroRules = useAmountRules('CNY', { allowZero: true });
  const optionalAmount = useAmountRules('CNY', { required: false });
  const reasonText = useReasonText();
  const apply = useMutation({
    mutationFn: (v: Values) =>
      api.post<Decided>(
        '/v1/credit/lines',
        {
          monthlyIncome: { amount: v.monthlyIncome, currency: 'CNY' },
          monthlyDebt: { amount: v.monthlyDebt, currency: 'CNY' },
          employmentYears: v.employmentYears ?? null,
          ...(v.requestedLimit ? { requestedLimit: { amount: v.requestedLimit, currency: 'CNY' } } : {}),
          bureauConsent: true,
        },
        key,
      ),
    onSuccess: () => {
      renew();
      void client.invalidateQueries({ queryKey: ['credit'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });

  if (apply.isSuccess) {
    const { line, decision } = apply.data;
    const status =
      decision.outcome === 'approve' ? 'success' : decision.outcome === 'refer' ? 'info' : 'warning';
    return (
      <Card>
        <Result
          status={status}
          title={t(`outcome.${decision.outcome}`)}
          subTitle={
            <span role="status">
              {decision.outcome === 'approve'
                ? t('outcomeHint.approve', { limit: formatMoney(line.limit ?? line.grantedLimit) })
                : t(`outcomeHint.${decision.outcome}`)}
            </span>
          }
          extra={
            <Space orientation="vertical">
              {decision.outcome !== 'approve' && decision.reasons.length > 0 && (
                <Typography.Text type="secondary">
                  {t('reasons')}: {decision.reasons.map(reasonText).join('；')}
                </Typography.Text>
              )}
              <Button type="primary" onClick={onDecided}>
                {t('seeLine')}
              </Button>
            </Space>
          }
        />
      </Card>
    );
  }

  return (
    <Card title={t('apply.title')}>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('apply.hint')} />
      <Form<Values>
        name="applyLine"
        form={form}
        layout="vertical"
        style={{ maxWidth: 480 }}
        onFinish={(values) => apply.mutate(values)}
      >
        <Form.Item name="monthlyIncome" label={t('apply.income')} rules={amountRules}>
          <AmountInput />
        </Form.Item>
        <Form.Item name="monthlyDebt" label={t('apply.debts')} rules={zeroRules} extra={t('apply.debtsHint')}>
          <AmountInput />
        </Form.Item>
        <Form.Item name="employmentYears" label={t('apply.years')}>
          <InputNumber min={0} max={80} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="requestedLimit"
          label={t('apply.requestedLimit')}
          rules={optionalAmount}
          extra={t('apply.requestedLimitHint')}
        >
          <AmountInput />
        </Form.Item>
        {apply.isError && <ErrorAlert error={apply.error} />}
        <BureauConsentField />
        <Button type="primary" htmlType="submit" loading={apply.isPending} style={{ marginTop: 12 }}>
          {t('apply.submit')}
        </Button>
      </Form>
    </Card>
  );
}
