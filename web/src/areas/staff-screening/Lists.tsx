import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import type { WatchList, WatchListVersion } from './types.ts';

/** Watch lists and their versions; compliance managers upload a new version and re-screen everyone. */
export function Lists() {
  const { t } = useTranslation('staffScreening');
  const me = useMe();
  const manage = can(me.data, 'aml:manage');
  const lists = useQuery({
    queryKey: ['screening', 'lists'],
    queryFn: () => api.get<{ items: WatchList[] }>('/v1/screening/lists'),
  });
  const versionColumns = (list: WatchList): ColumnsType<WatchListVersion> => [
    { title: t('version'), dataIndex: 'version' },
    { title: t('entryCount'), dataIndex: 'entryCount', align: 'right' },
    { title: t('uploadedBy'), dataIndex: 'uploadedBy' },
    { title: t('uploadedAt'), dataIndex: 'uploadedAt', render: (v: string) => formatDate(v) },
    {
      title: t('rescreenedAt'),
      dataIndex: 'rescreenedAt',
      render: (v: string | null) => (v ? formatDate(v) : t('pending')),
    },
    {
      title: '',
      dataIndex: 'version',
      key: 'view',
      render: (v: number) => <Link to={`/staff/screening/lists/${list.id}?version=${v}`}>{t('view')}</Link>,
    },
  ];
  return (
    <>
      <PageTitle>{t('listsTitle')}</PageTitle>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        {manage && <Upload />}
        {lists.isError && <ErrorAlert error={lists.error} onRetry={() => void lists.refetch()} />}
        {lists.data?.items.map((list) => (
          <Card key={list.id} title={list.name}>
            <Table<WatchListVersion>
              rowKey="id"
              size="small"
              columns={versionColumns(list)}
              dataSource={list.versions}
              pagination={false}
              scroll={{ x: true }}
            />
          </Card>
        ))}
      </Space>
    </>
  );
}

function Upload() {
  const { t } = useTranslation('staffScreening');
  const client = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [key, setKey] = useState(newKey);
  const [csv, setCsv] = useState<string | null>(null);
  const [file, setFile] = useState('');
  const settled = (_data: unknown, error: unknown) => {
    if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500)) setKey(newKey());
  };
  const upload = useMutation({
    onSettled: settled,
    mutationFn: (body: { list: string; csv: string }) =>
      api.post<WatchList>('/v1/screening/lists', body, key),
    onSuccess: () => {
      void message.success(t('uploaded'));
      form.resetFields();
      setCsv(null);
      setFile('');
      void client.invalidateQueries({ queryKey: ['screening'] });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const rescreen = useMutation({
    onSettled: settled,
    mutationFn: () => api.post<{ customers: number; opened: number }>('/v1/screening/rescreen', {}, key),
    onSuccess: (result) => {
      void message.success(t('rescreened', result));
      void client.invalidateQueries({ queryKey: ['screening'] });
    },
  });
  return (
    <Card title={t('upload')}>
      {(upload.isError || rescreen.isError) && (
        <div style={{ marginBottom: 16 }}>
          <ErrorAlert error={upload.error ?? rescreen.error} />
        </div>
      )}
      <Form
        form={form}
        layout="vertical"
        name="uploadList"
        style={{ maxWidth: 560 }}
        onFinish={(v: { list: string }) => csv !== null && upload.mutate({ list: v.list, csv })}
      >
        <Form.Item
          name="list"
          label={t('listName')}
          rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label={t('csvFile')} extra={t('csvHelp')} required>
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label={t('chooseFile')}
            onChange={(event) => {
              const chosen = event.target.files?.[0];
              if (!chosen) return;
              setFile(chosen.name);
              void chosen.text().then(setCsv);
            }}
          />
          {file && <Typography.Text type="secondary"> {file}</Typography.Text>}
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={upload.isPending} disabled={csv === null}>
            {t('upload')}
          </Button>
          <Button onClick={() => rescreen.mutate()} loading={rescreen.isPending}>
            {t('rescreen')}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}
