import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Radio, Row } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { AmountInput, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { collectionsErrorText } from './errorMessage.ts';
import { type CaseDetailView, CHANNELS, OUTCOMES } from './types.ts';

interface Values {
  channel: string;
  party: string;
  outcome: string;
  note?: string;
  template?: string;
  promiseAmount?: string;
  promiseDate?: Dayjs;
  /** The call this is the outcome of ('' for a contact of its own). */
  callId?: string;
}

/**
 * A contact attempt and its outcome; a promise to pay carries an amount and a date. A phone contact
 * with a party who was called today with "Call" names that call (the latest by default), so that the
 * call and its outcome count as one contact toward the day's limit.
 */
export function LogContact({ detail }: { detail: CaseDetailView }) {
  const { t } = useTranslation('staffCollections');
  const [form] = Form.useForm<Values>();
  const [key, setKey] = useState(newKey);
  const client = useQueryClient();
  const { message } = App.useApp();
  const amountRules = useAmountRules();
  const channel = Form.useWatch('channel', form);
  const outcome = Form.useWatch('outcome', form);
  const party = Form.useWatch('party', form) ?? 'borrower';
  const [resets, setResets] = useState(0);
  const openCalls = detail.contacts.filter((c) => c.awaitingOutcome && c.party === party);
  const latestCall = openCalls[0]?.id ?? '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: after a reset the default comes back.
  useEffect(() => {
    form.setFieldValue('callId', latestCall);
  }, [form, latestCall, channel, resets]);
  const log = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (v: Values) =>
      api.post(
        `/v1/collections/cases/${detail.case.id}/contacts`,
        {
          channel: v.channel,
          party: v.party,
          outcome: v.outcome,
          ...(v.note ? { note: v.note } : {}),
          ...(v.channel === 'sms' && v.template ? { template: v.template } : {}),
          ...(v.channel === 'phone' && v.callId ? { callId: v.callId } : {}),
          ...(v.outcome === 'promise_to_pay'
            ? {
                promise: {
                  amount: { amount: v.promiseAmount, currency: 'CNY' },
                  date: v.promiseDate?.format('YYYY-MM-DD'),
                },
              }
            : {}),
        },
        key,
      ),
    onSuccess: () => {
      setKey(newKey());
      form.resetFields();
      setResets((n) => n + 1);
      void message.success(t('logged'));
      void client.invalidateQueries({ queryKey: ['collections'] });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const required = [{ required: true, message: t('common:validation.required') }];
  const parties = [
    { value: 'borrower', label: t('relations.borrower') },
    ...detail.borrower.contacts.map((c) => ({
      value: c.id,
      label: `${c.name} · ${t(`relations.${c.relation}`, { defaultValue: c.relation })}`,
    })),
  ];
  return (
    <Card title={t('logTitle')}>
      <Form
        name="contact"
        form={form}
        layout="vertical"
        initialValues={{ channel: 'phone', party: 'borrower' }}
        onFinish={(v) => log.mutate(v)}
      >
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item name="channel" label={t('channel')} rules={required}>
              <Radio.Group options={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="party" label={t('party')} rules={required}>
              <Radio.Group options={parties} />
            </Form.Item>
          </Col>
          {channel === 'sms' && (
            <Col xs={24} sm={12}>
              <Form.Item name="template" label={t('template')} rules={required}>
                <Input maxLength={40} />
              </Form.Item>
            </Col>
          )}
          {channel === 'phone' && openCalls.length > 0 && (
            <Col span={24}>
              <Form.Item name="callId" label={t('outcomeOf')}>
                <Radio.Group
                  options={[
                    ...openCalls.map((c) => ({
                      value: c.id,
                      label: t('callAt', { time: dayjs(c.at).format('HH:mm') }),
                    })),
                    { value: '', label: t('notACall') },
                  ]}
                />
              </Form.Item>
            </Col>
          )}
          <Col span={24}>
            <Form.Item name="outcome" label={t('outcome')} rules={required}>
              <Radio.Group options={OUTCOMES.map((o) => ({ value: o, label: t(`outcomes.${o}`) }))} />
            </Form.Item>
          </Col>
          {outcome === 'promise_to_pay' && (
            <>
              <Col xs={24} sm={12}>
                <Form.Item name="promiseAmount" label={t('promiseAmount')} rules={amountRules}>
                  <AmountInput />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item name="promiseDate" label={t('promiseDate')} rules={required}>
                  <DatePicker format="YYYY-MM-DD" style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </>
          )}
          <Col span={24}>
            <Form.Item name="note" label={t('note')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </Col>
        </Row>
        {log.isError && (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={collectionsErrorText(log.error)}
            style={{ marginBottom: 16 }}
          />
        )}
        <Button type="primary" htmlType="submit" loading={log.isPending}>
          {t('logContact')}
        </Button>
      </Form>
    </Card>
  );
}
