import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Input, Radio, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { type ScreeningMatch, statusColor } from './types.ts';

/** One match: the customer (masked), the listed person, the score and why, and the officer's decision. */
export function MatchDetail() {
  const { t } = useTranslation('staffScreening');
  const { id = '' } = useParams();
  const match = useQuery({
    queryKey: ['screening', 'matches', 'one', id],
    queryFn: () => api.get<ScreeningMatch>(`/v1/screening/matches/${id}`),
  });
  const m = match.data;
  return (
    <>
      <PageTitle extra={<Link to="/staff/screening/matches">{t('back')}</Link>}>{t('matchTitle')}</PageTitle>
      {match.isError && <ErrorAlert error={match.error} onRetry={() => void match.refetch()} />}
      {m && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Card loading={match.isPending}>
            <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
              <Descriptions.Item label={t('customer')}>{m.customerName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('status')}>
                <Tag color={statusColor[m.status]}>{t(`statuses.${m.status}`)}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('score')}>{m.score}</Descriptions.Item>
              <Descriptions.Item label={t('why')}>
                {t(`bases.${m.why.basis}`, { defaultValue: m.why.basis })}
              </Descriptions.Item>
              <Descriptions.Item label={t('customerForm')}>{m.why.customerForm || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('entryForm')}>{m.why.entryForm || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('similarity')}>{m.why.similarity.toFixed(4)}</Descriptions.Item>
              <Descriptions.Item label={t('trigger')}>
                {t(`triggers.${m.trigger}`, { defaultValue: m.trigger })}
              </Descriptions.Item>
              <Descriptions.Item label={t('created')}>{formatDate(m.createdAt)}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={`${t('entry')}: ${m.list.name} v${m.list.version}, ${t('line')} ${m.entry.line}`}>
            <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
              <Descriptions.Item label={t('entry')}>{m.entry.name}</Descriptions.Item>
              <Descriptions.Item label={t('aliases')}>{m.entry.aliases.join('; ') || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('idNumber')}>{m.entry.idNumberMasked ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('birthDate')}>{m.entry.birthDate ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('source')}>{m.entry.source ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('reason')}>{m.entry.reason ?? '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
          {m.status === 'open' ? (
            <Decide match={m} />
          ) : (
            <Card title={t('decided')}>
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('decisionReason')}>{m.decisionReason}</Descriptions.Item>
                <Descriptions.Item label={t('decidedBy')}>{m.decidedBy}</Descriptions.Item>
                <Descriptions.Item label={t('decided')}>{formatDate(m.decidedAt)}</Descriptions.Item>
              </Descriptions>
            </Card>
          )}
        </Space>
      )}
    </>
  );
}

function Decide({ match }: { match: ScreeningMatch }) {
  const { t } = useTranslation('staffScreening');
  const client = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [key, setKey] = useState(newKey);
  const decide = useMutation({
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (body: { decision: string; reason: string }) =>
      api.post<ScreeningMatch>(`/v1/screening/matches/${match.id}/decision`, body, key),
    onSuccess: () => {
      void message.success(t('decided'));
      void client.invalidateQueries({ queryKey: ['screening', 'matches'] });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <Card title={t('decide')}>
      {decide.isError && (
        <div style={{ marginBottom: 16 }}>
          <ErrorAlert error={decide.error} />
        </div>
      )}
      <Form
        form={form}
        layout="vertical"
        name="decide"
        onFinish={(v) => decide.mutate(v)}
        style={{ maxWidth: 560 }}
      >
        <Form.Item
          name="decision"
          label={t('decision')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Radio.Group>
            <Radio value="confirmed">{t('confirm')}</Radio>
            <Radio value="false_positive">{t('falsePositive')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('decisionReason')}
          rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={decide.isPending}>
          {t('decide')}
        </Button>
      </Form>
    </Card>
  );
}
