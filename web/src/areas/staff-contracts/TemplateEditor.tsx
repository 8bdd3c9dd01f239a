import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Form, Input, Popconfirm, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { TemplateStatus } from './Templates.tsx';
import { openPreview, type Template } from './types.ts';

interface Values {
  title: string;
  body: string;
}

/**
 * One template version. A draft is edited as JSON blocks (headings, paragraphs, fields and tables
 * with {{placeholders}}; the server checks every placeholder); any version can be previewed as PDF
 * with sample data; a draft is approved by someone other than its author; a version is retired.
 */
export function TemplateEditor() {
  const { id = '' } = useParams();
  const { t } = useTranslation('staffContracts');
  const { message } = App.useApp();
  const { data: me } = useMe();
  const client = useQueryClient();
  const template = useQuery({
    queryKey: ['contracts', 'template', id],
    queryFn: () => api.get<Template>(`/v1/contract-templates/${encodeURIComponent(id)}`),
  });
  const [keys] = useState(() => ({ save: newKey(), approve: newKey(), retire: newKey() }));
  const refresh = () => client.invalidateQueries({ queryKey: ['contracts'] });
  const save = useMutation({
    mutationFn: (values: Values) => {
      let body: unknown;
      try {
        body = JSON.parse(values.body);
      } catch {
        throw new ApiError(400, 'template_not_json', t('editor.notJson'));
      }
      return api.put<Template>(`/v1/contract-templates/${id}`, { title: values.title, body }, keys.save);
    },
    onSuccess: async () => {
      keys.save = newKey();
      message.success(t('editor.saved'));
      await refresh();
    },
  });
  const approve = useMutation({
    mutationFn: () => api.post<Template>(`/v1/contract-templates/${id}/approve`, {}, keys.approve),
    onSuccess: async () => {
      message.success(t('editor.approved'));
      await refresh();
    },
  });
  const retire = useMutation({
    mutationFn: () => api.post<Template>(`/v1/contract-templates/${id}/retire`, {}, keys.retire),
    onSuccess: async () => {
      message.success(t('editor.retired'));
      await refresh();
    },
  });
  const preview = useMutation({ mutationFn: () => openPreview(id) });
  const manage = can(me, 'contracts:manage');
  return (
    <QueryView query={template}>
      {(x) => (
        <>
          <PageTitle extra={<Link to="/staff/contract-templates">{t('editor.back')}</Link>}>
            {t('editor.title', { title: x.title, version: x.version })}
          </PageTitle>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card>
              <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label={t('field.kind')}>
                  {t(`contracts:kind.${x.kind}`, { defaultValue: x.kind })}
                </Descriptions.Item>
                <Descriptions.Item label={t('contracts:field.language')}>
                  {t(`contracts:language.${x.language}`)}
                </Descriptions.Item>
                <Descriptions.Item label={t('templates.status')}>
                  <TemplateStatus status={x.status} />
                </Descriptions.Item>
                <Descriptions.Item label={t('editor.createdBy')}>{x.createdBy}</Descriptions.Item>
                <Descriptions.Item label={t('editor.approvedBy')}>
                  {x.approvedBy ? `${x.approvedBy} ${formatDate(x.approvedAt)}` : '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('editor.retiredAt')}>{formatDate(x.retiredAt)}</Descriptions.Item>
              </Descriptions>
              <Space wrap style={{ marginTop: 12 }}>
                {manage && (
                  <Button onClick={() => preview.mutate()} loading={preview.isPending}>
                    {t('editor.preview')}
                  </Button>
                )}
                {manage && x.status === 'draft' && (
                  <Popconfirm title={t('editor.approveConfirm')} onConfirm={() => approve.mutate()}>
                    <Button type="primary" loading={approve.isPending}>
                      {t('editor.approve')}
                    </Button>
                  </Popconfirm>
                )}
                {manage && x.status !== 'retired' && (
                  <Popconfirm title={t('editor.retireConfirm')} onConfirm={() => retire.mutate()}>
                    <Button danger loading={retire.isPending}>
                      {t('editor.retire')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
              {preview.isError && <ErrorAlert error={preview.error} />}
              {approve.isError && <ErrorAlert error={approve.error} />}
              {retire.isError && <ErrorAlert error={retire.error} />}
            </Card>
            <Card title={t('editor.body')}>
              {x.status !== 'draft' && (
                <Typography.Paragraph type="secondary">{t('editor.readOnly')}</Typography.Paragraph>
              )}
              <Form<Values>
                key={x.updatedAt}
                layout="vertical"
                disabled={!manage || x.status !== 'draft'}
                initialValues={{ title: x.title, body: JSON.stringify(x.body, null, 2) }}
                onFinish={(values) => save.mutate(values)}
              >
                <Form.Item
                  name="title"
                  label={t('templates.name')}
                  rules={[
                    { required: true, whitespace: true, max: 200, message: t('common:validation.required') },
                  ]}
                >
                  <Input maxLength={200} />
                </Form.Item>
                <Form.Item
                  name="body"
                  label={t('editor.blocks')}
                  extra={t('editor.blocksHint')}
                  rules={[{ required: true }]}
                >
                  <Input.TextArea rows={24} spellCheck={false} style={{ fontFamily: 'monospace' }} />
                </Form.Item>
                {save.isError && <ErrorAlert error={save.error} />}
                {x.status === 'draft' && manage && (
                  <Button type="primary" htmlType="submit" loading={save.isPending}>
                    {t('editor.save')}
                  </Button>
                )}
              </Form>
            </Card>
          </Space>
        </>
      )}
    </QueryView>
  );
}
