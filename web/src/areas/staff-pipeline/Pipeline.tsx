import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Empty, Form, Input, Row, Segmented, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { labelOf, useSettings } from './shared.tsx';
import { type Prospect, type ProspectDetail, STAGES } from './types.ts';

/** My pipeline as a board: one column per stage, each prospect a card with its next follow-up. */
export function Pipeline() {
  const { t } = useTranslation('staffPipeline');
  const me = useMe().data;
  const manager = can(me, 'crm:manage');
  const [owner, setOwner] = useState<'me' | 'all'>('me');
  const prospects = useQuery({
    queryKey: ['crm', 'prospects', owner],
    queryFn: () => api.get<{ items: Prospect[] }>('/v1/crm/prospects', { owner, limit: 200 }),
  });
  const settings = useSettings();
  const product = (code: string | null) =>
    code ? labelOf(settings.data?.products.find((p) => p.code === code)?.label, code) : t('none');
  return (
    <>
      <PageTitle
        extra={
          manager && (
            <Segmented
              aria-label={t('owner')}
              value={owner}
              onChange={(v) => setOwner(v as 'me' | 'all')}
              options={[
                { value: 'me', label: t('mine') },
                { value: 'all', label: t('all') },
              ]}
            />
          )
        }
      >
        {t('pipelineTitle')}
      </PageTitle>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <AddProspect />
        {prospects.isError && <ErrorAlert error={prospects.error} onRetry={() => void prospects.refetch()} />}
        <Row gutter={[16, 16]}>
          {STAGES.map((stage) => {
            const items = (prospects.data?.items ?? []).filter((p) => p.stage === stage);
            return (
              <Col key={stage} xs={24} md={12} xl={6}>
                <Card
                  title={`${t(`stages.${stage}`)} (${items.length})`}
                  loading={prospects.isPending}
                  size="small"
                >
                  {items.length === 0 ? (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('empty')} />
                  ) : (
                    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                      {items.map((p) => (
                        <li
                          key={p.id}
                          style={{
                            display: 'flex',
                            gap: 8,
                            alignItems: 'baseline',
                            padding: '8px 0',
                            borderBottom: '1px solid rgba(128,128,128,0.2)',
                          }}
                        >
                          <div style={{ flex: 1, minWidth: 0 }}>
                            <Typography.Text strong style={{ display: 'block' }}>
                              {`${p.user.name ?? '—'} ${p.user.phone ?? ''}`}
                            </Typography.Text>
                            <Typography.Text type="secondary">
                              {product(p.productInterest)}
                              {p.nextDueAt ? ` · ${t('nextDue')} ${formatDate(p.nextDueAt)}` : ''}
                              {owner === 'all' ? ` · ${p.owner.name ?? ''}` : ''}
                            </Typography.Text>
                          </div>
                          <Link
                            to={`/staff/pipeline/prospects/${p.id}`}
                            aria-label={`${t('open')} ${p.user.name ?? p.id}`}
                          >
                            {t('open')}
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </Card>
              </Col>
            );
          })}
        </Row>
      </Space>
    </>
  );
}

function AddProspect() {
  const { t } = useTranslation('staffPipeline');
  const client = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [key, setKey] = useState(newKey);
  const settings = useSettings();
  const create = useMutation({
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (body: { userId: string; productInterest?: string; note?: string }) =>
      api.post<ProspectDetail>('/v1/crm/prospects', body, key),
    onSuccess: (detail) => {
      void message.success(t('created'));
      void client.invalidateQueries({ queryKey: ['crm'] });
      void navigate(`/staff/pipeline/prospects/${detail.prospect.id}`);
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <Card title={t('add')} size="small">
      {create.isError && <ErrorAlert error={create.error} />}
      <Form form={form} layout="inline" name="add-prospect" onFinish={(v) => create.mutate(v)}>
        <Form.Item
          name="userId"
          label={t('userId')}
          rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
        >
          <Input style={{ width: 320 }} />
        </Form.Item>
        <Form.Item name="productInterest" label={t('product')}>
          <Select
            allowClear
            style={{ minWidth: 160 }}
            options={(settings.data?.products ?? []).map((p) => ({
              value: p.code,
              label: labelOf(p.label, p.code),
            }))}
          />
        </Form.Item>
        <Form.Item name="note" label={t('note')}>
          <Input maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('create')}
        </Button>
      </Form>
    </Card>
  );
}
