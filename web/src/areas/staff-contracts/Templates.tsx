import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { KINDS, TEMPLATE_STATUSES, type Template } from './types.ts';

const STATUS_COLOR: Record<string, string | undefined> = {
  approved: 'green',
  draft: 'blue',
  retired: undefined,
};

export function TemplateStatus({ status }: { status: string }) {
  const { t } = useTranslation('staffContracts');
  return <Tag color={STATUS_COLOR[status]}>{t(`templateStatus.${status}`, { defaultValue: status })}</Tag>;
}

/** Every version of every contract template; legal starts a new draft here (copied from the approved one). */
export function Templates() {
  const { t } = useTranslation('staffContracts');
  const { data: me } = useMe();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<{ kind?: string; language?: string; status?: string }>({});
  const templates = useQuery({
    queryKey: ['contracts', 'templates', filter],
    queryFn: () => api.get<{ items: Template[] }>('/v1/contract-templates', filter),
  });
  const [key] = useState(newKey);
  const create = useMutation({
    mutationFn: (input: { kind: string; language: string }) => {
      const approved = templates.data?.items.find(
        (x) => x.kind === input.kind && x.language === input.language && x.status === 'approved',
      );
      return api.post<Template>(
        '/v1/contract-templates',
        approved ? { copyFrom: approved.id } : { kind: input.kind, language: input.language },
        key,
      );
    },
    onSuccess: (draft) => navigate(`/staff/contract-templates/${draft.id}`),
  });
  return (
    <>
      <PageTitle>{t('templates.title')}</PageTitle>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {can(me, 'contracts:manage') && (
          <Card title={t('templates.newDraft')}>
            <Form<{ kind: string; language: string }>
              layout="inline"
              onFinish={(values) => create.mutate(values)}
              initialValues={{ kind: 'loan', language: 'zh' }}
            >
              <Form.Item name="kind" label={t('field.kind')}>
                <Select
                  style={{ width: 180 }}
                  options={KINDS.map((k) => ({ value: k, label: t(`contracts:kind.${k}`) }))}
                />
              </Form.Item>
              <Form.Item name="language" label={t('contracts:field.language')}>
                <Select
                  style={{ width: 160 }}
                  options={(['zh', 'en'] as const).map((l) => ({
                    value: l,
                    label: t(`contracts:language.${l}`),
                  }))}
                />
              </Form.Item>
              <Form.Item>
                <Button type="primary" htmlType="submit" loading={create.isPending}>
                  {t('templates.create')}
                </Button>
              </Form.Item>
            </Form>
            {create.isError && <ErrorAlert error={create.error} />}
          </Card>
        )}
        <Card>
          <Space wrap style={{ marginBottom: 16 }}>
            <Select
              allowClear
              aria-label={t('field.kind')}
              placeholder={t('field.kind')}
              style={{ width: 180 }}
              value={filter.kind}
              onChange={(kind) => setFilter({ ...filter, kind })}
              options={KINDS.map((k) => ({ value: k, label: t(`contracts:kind.${k}`) }))}
            />
            <Select
              allowClear
              aria-label={t('contracts:field.language')}
              placeholder={t('contracts:field.language')}
              style={{ width: 160 }}
              value={filter.language}
              onChange={(language) => setFilter({ ...filter, language })}
              options={(['zh', 'en'] as const).map((l) => ({
                value: l,
                label: t(`contracts:language.${l}`),
              }))}
            />
            <Select
              allowClear
              aria-label={t('templates.status')}
              placeholder={t('templates.status')}
              style={{ width: 140 }}
              value={filter.status}
              onChange={(status) => setFilter({ ...filter, status })}
              options={TEMPLATE_STATUSES.map((s) => ({ value: s, label: t(`templateStatus.${s}`) }))}
            />
          </Space>
          {templates.isError && (
            <ErrorAlert error={templates.error} onRetry={() => void templates.refetch()} />
          )}
          <Table<Template>
            rowKey="id"
            size="small"
            loading={templates.isPending}
            dataSource={templates.data?.items ?? []}
            pagination={false}
            scroll={{ x: 'max-content' }}
            aria-label={t('templates.title')}
            columns={[
              {
                key: 'title',
                title: t('templates.name'),
                render: (_, x) => <Link to={`/staff/contract-templates/${x.id}`}>{x.title}</Link>,
              },
              {
                key: 'kind',
                title: t('field.kind'),
                render: (_, x) => t(`contracts:kind.${x.kind}`, { defaultValue: x.kind }),
              },
              {
                key: 'language',
                title: t('contracts:field.language'),
                render: (_, x) => t(`contracts:language.${x.language}`),
              },
              { key: 'version', title: t('templates.version'), align: 'right', render: (_, x) => x.version },
              {
                key: 'status',
                title: t('templates.status'),
                render: (_, x) => <TemplateStatus status={x.status} />,
              },
              { key: 'updated', title: t('templates.updated'), render: (_, x) => formatDate(x.updatedAt) },
            ]}
          />
        </Card>
      </Space>
    </>
  );
}
