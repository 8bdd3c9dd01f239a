import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, Row } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { AmountInput, ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { amountProblem } from '../../money.ts';
import type { Review } from './types.ts';

type Action = 'approve' | 'decline' | 'request-info';

/** Approve (amount and rate adjustable within policy), decline with a reason, or ask for information. */
export function ReviewActions({ review }: { review: Review }) {
  const { t } = useTranslation('staffRisk');
  const client = useQueryClient();
  const { message } = App.useApp();
  const [key, setKey] = useState(newKey);
  const [approveForm] = Form.useForm();
  const [declineForm] = Form.useForm();
  const [infoForm] = Form.useForm();
  const act = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: ({ action, body }: { action: Action; body: object }) =>
      api.post<Review>(`/v1/risk/reviews/${review.decisionId}/${action}`, body, key),
    onSuccess: () => {
      setKey(newKey());
      declineForm.resetFields();
      infoForm.resetFields();
      void message.success(t('done'));
      void client.invalidateQueries({ queryKey: ['risk', 'reviews'] });
    },
    onError: (error, { action }) => {
      const form = action === 'approve' ? approveForm : action === 'decline' ? declineForm : infoForm;
      form.setFields(fieldErrors(error));
    },
  });
  const required = [{ required: true, whitespace: true, message: t('common:validation.required') }];
  const busy = (action: Action) => act.isPending && act.variables?.action === action;
  return (
    <Card title={t('act')}>
      {act.isError && (
        <div style={{ marginBottom: 16 }}>
          <ErrorAlert error={act.error} />
        </div>
      )}
      <Row gutter={[24, 24]}>
        <Col xs={24} md={8}>
          <Form
            name="approve"
            form={approveForm}
            layout="vertical"
            onFinish={(v: { amount?: string; annualRate?: string }) =>
              act.mutate({
                action: 'approve',
                body: {
                  ...(v.amount ? { amount: { amount: v.amount, currency: 'CNY' } } : {}),
                  ...(v.annualRate ? { annualRate: v.annualRate } : {}),
                },
              })
            }
          >
            <Form.Item
              name="amount"
              label={t('approveAmount')}
              rules={[
                {
                  validator: async (_r, value?: string) => {
                    const problem = value ? amountProblem(value, 'CNY') : null;
                    if (problem) throw new Error(t(`common:validation.${problem}`, { digits: 2 }));
                  },
                },
              ]}
            >
              <AmountInput />
            </Form.Item>
            <Form.Item
              name="annualRate"
              label={t('approveRate')}
              rules={[{ pattern: /^0(\.\d{1,6})?$/, message: t('approveRate') }]}
            >
              <Input inputMode="decimal" autoComplete="off" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy('approve')} block>
              {t('approve')}
            </Button>
          </Form>
        </Col>
        <Col xs={24} md={8}>
          <Form
            name="decline"
            form={declineForm}
            layout="vertical"
            onFinish={(v: { reason: string }) =>
              act.mutate({ action: 'decline', body: { reason: v.reason } })
            }
          >
            <Form.Item name="reason" label={t('declineReason')} rules={required}>
              <Input.TextArea rows={3} maxLength={200} />
            </Form.Item>
            <Button danger htmlType="submit" loading={busy('decline')} block>
              {t('decline')}
            </Button>
          </Form>
        </Col>
        <Col xs={24} md={8}>
          <Form
            name="requestInfo"
            form={infoForm}
            layout="vertical"
            onFinish={(v: { message: string }) =>
              act.mutate({ action: 'request-info', body: { message: v.message } })
            }
          >
            <Form.Item name="message" label={t('infoMessage')} rules={required}>
              <Input.TextArea rows={3} maxLength={200} />
            </Form.Item>
            <Button htmlType="submit" loading={busy('request-info')} block>
              {t('requestInfo')}
            </Button>
          </Form>
        </Col>
      </Row>
    </Card>
  );
}
