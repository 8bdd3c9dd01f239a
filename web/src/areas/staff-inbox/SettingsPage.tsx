import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { can, useMe } from '../../session.tsx';
import { type Canned, type InboxSettings, PRIORITIES, useCategoryLabel } from './types.ts';

const CODE = /^[a-z][a-z0-9_]{0,39}$/;

interface SettingsForm {
  categories: string[];
  firstResponseMinutes: InboxSettings['firstResponseMinutes'];
  resolutionMinutes: InboxSettings['resolutionMinutes'];
  warningPercent: number;
}

/** The inbox settings: SLA targets per priority, the categories, and the canned answers in both languages. */
export function SettingsPage() {
  const { t } = useTranslation('staffInbox');
  const { data: me } = useMe();
  const manage = can(me, 'crm:manage');
  const settings = useQuery({
    queryKey: ['inbox', 'settings'],
    queryFn: () => api.get<InboxSettings>('/v1/crm/inbox/settings'),
  });
  return (
    <>
      <PageTitle>{t('settings.title')}</PageTitle>
      {!manage && <Alert type="info" showIcon title={t('settings.readOnly')} style={{ marginBottom: 16 }} />}
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <QueryView query={settings}>{(data) => <SettingsEditor settings={data} manage={manage} />}</QueryView>
        <CannedAnswers manage={manage} categories={settings.data?.categories ?? []} />
      </Space>
    </>
  );
}

function SettingsEditor({ settings, manage }: { settings: InboxSettings; manage: boolean }) {
  const { t } = useTranslation('staffInbox');
  const client = useQueryClient();
  const [form] = Form.useForm<SettingsForm>();
  const [key, setKey] = useState(newKey);
  const save = useMutation({
    mutationFn: (values: SettingsForm) =>
      api.put<InboxSettings>(
        '/v1/crm/inbox/settings',
        {
          categories: values.categories,
          firstResponseMinutes: values.firstResponseMinutes,
          resolutionMinutes: values.resolutionMinutes,
          // Whole percents, so the share has at most two decimals.
          warningShare: values.warningPercent / 100,
        },
        key,
      ),
    onSuccess: (saved) => {
      setKey(newKey());
      client.setQueryData(['inbox', 'settings'], saved);
    },
  });
  const minutes = (name: 'firstResponseMinutes' | 'resolutionMinutes', p: string) => (
    <Form.Item name={[name, p]} noStyle rules={[{ required: true, message: t('settings.required') }]}>
      <InputNumber
        aria-label={`${p} · ${t(`settings.${name}`)}`}
        min={1}
        max={43_200}
        precision={0}
        disabled={!manage}
        style={{ width: '100%' }}
      />
    </Form.Item>
  );
  return (
    <Form
      form={form}
      layout="vertical"
      disabled={!manage}
      initialValues={{
        categories: settings.categories,
        firstResponseMinutes: settings.firstResponseMinutes,
        resolutionMinutes: settings.resolutionMinutes,
        warningPercent: Math.round(settings.warningShare * 100),
      }}
      onFinish={(values) => save.mutate(values)}
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('settings.sla')} size="small" data-testid="inbox-settings-sla">
            <Typography.Paragraph type="secondary">{t('settings.slaHelp')}</Typography.Paragraph>
            <Table
              size="small"
              pagination={false}
              rowKey="p"
              dataSource={PRIORITIES.map((p) => ({ p }))}
              columns={[
                { title: t('settings.priority'), dataIndex: 'p', width: 90 },
                {
                  title: t('settings.firstResponseMinutes'),
                  key: 'first',
                  render: (_v, row) => minutes('firstResponseMinutes', row.p),
                },
                {
                  title: t('settings.resolutionMinutes'),
                  key: 'resolution',
                  render: (_v, row) => minutes('resolutionMinutes', row.p),
                },
              ]}
            />
            <Form.Item
              name="warningPercent"
              label={t('settings.warning')}
              style={{ marginTop: 16, marginBottom: 0 }}
              rules={[{ required: true, message: t('settings.required') }]}
            >
              <InputNumber min={1} max={99} precision={0} suffix="%" />
            </Form.Item>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('settings.categories')} size="small" style={{ height: '100%' }}>
            <Form.Item
              name="categories"
              extra={t('settings.categoriesHelp')}
              rules={[
                { required: true, message: t('settings.required') },
                {
                  validator: (_r, value: string[] | undefined) =>
                    (value ?? []).every((c) => CODE.test(c))
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('settings.codeRule'))),
                },
              ]}
            >
              <Select mode="tags" aria-label={t('settings.categories')} tokenSeparators={[',', ' ']} />
            </Form.Item>
          </Card>
        </Col>
      </Row>
      {manage && (
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="inbox-settings-save">
            {t('settings.save')}
          </Button>
          {save.isSuccess && <Typography.Text type="success">{t('settings.saved')}</Typography.Text>}
        </Space>
      )}
      {save.isError && <ErrorAlert error={save.error} />}
    </Form>
  );
}

interface CannedForm {
  title: string;
  category?: string | null;
  bodyEn: string;
  bodyZh: string;
}

function CannedAnswers({ manage, categories }: { manage: boolean; categories: string[] }) {
  const { t } = useTranslation('staffInbox');
  const label = useCategoryLabel();
  const client = useQueryClient();
  const [editing, setEditing] = useState<Canned | 'new' | null>(null);
  const [form] = Form.useForm<CannedForm>();
  const [key, setKey] = useState(newKey);
  const canned = useQuery({
    queryKey: ['inbox', 'canned'],
    queryFn: () => api.get<{ items: Canned[] }>('/v1/crm/inbox/canned-answers'),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['inbox', 'canned'] });
  const save = useMutation({
    mutationFn: (values: CannedForm) => {
      const body = {
        title: values.title,
        bodyEn: values.bodyEn,
        bodyZh: values.bodyZh,
        category: values.category ?? null,
      };
      return editing && editing !== 'new'
        ? api.put<Canned>(`/v1/crm/inbox/canned-answers/${editing.id}`, body, key)
        : api.post<Canned>('/v1/crm/inbox/canned-answers', body, key);
    },
    onSuccess: () => {
      setKey(newKey());
      setEditing(null);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete<void>(`/v1/crm/inbox/canned-answers/${id}`),
    onSuccess: refresh,
  });
  const open = (answer: Canned | 'new') => {
    save.reset();
    form.setFieldsValue(
      answer === 'new'
        ? { title: '', category: null, bodyEn: '', bodyZh: '' }
        : { title: answer.title, category: answer.category, bodyEn: answer.bodyEn, bodyZh: answer.bodyZh },
    );
    setEditing(answer);
  };
  const required = [{ required: true, whitespace: true, message: t('settings.required') }];
  return (
    <Card
      title={t('settings.canned')}
      size="small"
      data-testid="inbox-canned"
      extra={
        manage && (
          <Button type="primary" onClick={() => open('new')} data-testid="inbox-canned-new">
            {t('settings.newCanned')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('settings.cannedHelp')}</Typography.Paragraph>
      {remove.isError && <ErrorAlert error={remove.error} />}
      <QueryView query={canned}>
        {(data) => (
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: true }}
            locale={{ emptyText: t('settings.noCanned') }}
            dataSource={data.items}
            columns={[
              { title: t('settings.cannedTitle'), dataIndex: 'title' },
              {
                title: t('settings.cannedCategory'),
                key: 'category',
                render: (_v, row) => (row.category ? label(row.category) : t('settings.anyCategory')),
              },
              { title: t('settings.bodyEn'), dataIndex: 'bodyEn', ellipsis: true },
              { title: t('settings.bodyZh'), dataIndex: 'bodyZh', ellipsis: true },
              ...(manage
                ? [
                    {
                      title: '',
                      key: 'actions',
                      render: (_v: unknown, row: Canned) => (
                        <Space>
                          <Button size="small" onClick={() => open(row)}>
                            {t('settings.edit')}
                          </Button>
                          <Popconfirm
                            title={t('settings.removeConfirm')}
                            onConfirm={() => remove.mutate(row.id)}
                            okText={t('settings.remove')}
                            cancelText={t('settings.cancel')}
                          >
                            <Button size="small" danger>
                              {t('settings.remove')}
                            </Button>
                          </Popconfirm>
                        </Space>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </QueryView>
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('settings.newCanned') : t('settings.editCanned')}
        okText={t('settings.saveAnswer')}
        cancelText={t('settings.cancel')}
        confirmLoading={save.isPending}
        onOk={() => form.submit()}
        onCancel={() => setEditing(null)}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
          <Form.Item name="title" label={t('settings.cannedTitle')} rules={required}>
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="category" label={t('settings.cannedCategory')}>
            <Select
              allowClear
              placeholder={t('settings.anyCategory')}
              options={categories.map((c) => ({ value: c, label: label(c) }))}
            />
          </Form.Item>
          <Form.Item name="bodyEn" label={t('settings.bodyEn')} rules={required}>
            <Input.TextArea rows={3} maxLength={4000} />
          </Form.Item>
          <Form.Item name="bodyZh" label={t('settings.bodyZh')} rules={required}>
            <Input.TextArea rows={3} maxLength={4000} />
          </Form.Item>
          {save.isError && <ErrorAlert error={save.error} />}
        </Form>
      </Modal>
    </Card>
  );
}
