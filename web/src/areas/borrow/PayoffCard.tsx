import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Divider, Form, Popconfirm, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { Amount, AmountInput, ErrorAlert, QueryView, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { cny } from '../invest/lending.ts';
import type { LoanView, Payoff } from './loan-view.ts';
import { invalidateLoan } from './RepayCard.tsx';

/** Pay the loan off (the quote shown first) or prepay part of the principal. */
export function PayoffCard({ view }: { view: LoanView }) {
  const { t } = useTranslation('borrow');
  const { message } = App.useApp();
  const client = useQueryClient();
  const id = view.loan.id;
  const [payoffKey, setPayoffKey] = useState(newKey);
  const [prepayKey, setPrepayKey] = useState(newKey);
  const [form] = Form.useForm<{ principal: string; option: 'shorten_term' | 'lower_installment' }>();
  const principalRules = useAmountRules();
  const quote = useQuery({
    queryKey: ['payoff', id],
    queryFn: () => api.get<Payoff>(`/v1/me/loans/${id}/payoff`),
  });
  const payoff = useMutation({
    mutationFn: () => api.post(`/v1/me/loans/${id}/payoff`, {}, payoffKey),
    onSuccess: () => {
      void message.success(t('paidOff'));
      setPayoffKey(newKey());
      invalidateLoan(client, id);
    },
  });
  const prepay = useMutation({
    mutationFn: (v: { principal: string; option: string }) =>
      api.post<{ amount: string }>(
        `/v1/me/loans/${id}/prepayments`,
        { principal: { amount: v.principal, currency: 'CNY' }, option: v.option },
        prepayKey,
      ),
    onSuccess: (r) => {
      void message.success(t('prepaid', { amount: formatMoney(cny(r.amount)) }));
      setPrepayKey(newKey());
      form.resetFields();
      invalidateLoan(client, id);
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const hasDue = view.due !== '0.00';
  return (
    <Card title={t('payoffTitle')}>
      <QueryView query={quote}>
        {(q) => (
          <>
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('payoffDue')}>
                <Amount value={cny(q.due)} />
              </Descriptions.Item>
              <Descriptions.Item label={t('payoffPrincipal')}>
                <Amount value={cny(q.principal)} />
              </Descriptions.Item>
              <Descriptions.Item label={t('payoffInterest')}>
                <Amount value={cny(q.interestToDate)} />
              </Descriptions.Item>
              <Descriptions.Item label={t('payoffFee')}>
                <Amount value={cny(q.prepaymentFee)} />
              </Descriptions.Item>
              <Descriptions.Item label={t('payoffTotal', { date: formatDate(q.asOf) })}>
                <Amount value={cny(q.total)} strong />
              </Descriptions.Item>
            </Descriptions>
            <Popconfirm
              title={t('payoffConfirm', { amount: formatMoney(cny(q.total)) })}
              okText={t('payoffOk')}
              cancelText={t('common:action.cancel')}
              onConfirm={() => payoff.mutateAsync().catch(() => undefined)}
            >
              <Button danger style={{ marginTop: 12 }} loading={payoff.isPending}>
                {t('payoffButton', { amount: formatMoney(cny(q.total)) })}
              </Button>
            </Popconfirm>
            {payoff.isError && (
              <div style={{ marginTop: 12 }}>
                <ErrorAlert error={payoff.error} />
              </div>
            )}
          </>
        )}
      </QueryView>
      <Divider />
      <Typography.Title level={5}>{t('prepayTitle')}</Typography.Title>
      {hasDue ? (
        <Typography.Paragraph type="secondary">{t('prepayNeedsNoDue')}</Typography.Paragraph>
      ) : (
        <Form
          form={form}
          layout="vertical"
          initialValues={{ option: 'lower_installment' }}
          onFinish={(v) => prepay.mutate(v)}
        >
          <Form.Item
            name="principal"
            label={t('prepayPrincipal')}
            extra={t('prepayHint')}
            rules={principalRules}
          >
            <AmountInput />
          </Form.Item>
          <Form.Item name="option" label={t('prepayOption')}>
            <Radio.Group
              options={[
                { value: 'lower_installment', label: t('lowerInstallment') },
                { value: 'shorten_term', label: t('shortenTerm') },
              ]}
            />
          </Form.Item>
          {prepay.isError && (
            <div style={{ marginBottom: 12 }}>
              <ErrorAlert error={prepay.error} />
            </div>
          )}
          <Button htmlType="submit" loading={prepay.isPending}>
            {t('prepayButton')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
