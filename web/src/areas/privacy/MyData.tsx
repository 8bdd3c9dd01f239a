import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Space, Switch, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { useFormKey } from '../../formKey.ts';

/** GET /v1/me/consents. */
interface Consents {
  purposes: {
    purpose: string;
    granted: boolean;
    recorded: boolean;
    textVersion: string;
    text: { zh: string; en: string };
    /** False for what is accepted once at sign-up (the user agreement, the privacy policy). */
    changeable: boolean;
    updatedAt: string | null;
  }[];
  history: {
    id: string;
    purpose: string;
    granted: boolean;
    textVersion: string;
    source: string;
    recordedAt: string;
  }[];
}

interface DataExport {
  id: string;
  createdAt: string;
  expiresAt: string;
}

const when = (iso: string) => new Date(iso).toLocaleString();

function ConsentToggles() {
  const { t, i18n } = useTranslation('privacy');
  const { message } = App.useApp();
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ['privacy', 'consents'],
    queryFn: () => api.get<Consents>('/v1/me/consents'),
  });
  // A PUT is idempotent by itself: it states the new value, so it needs no key.
  const change = useMutation({
    mutationFn: (v: { purpose: string; granted: boolean }) =>
      api.put<Consents>(`/v1/me/consents/${v.purpose}`, { granted: v.granted }),
    onSuccess: (data) => {
      client.setQueryData(['privacy', 'consents'], data);
      void message.success(t('saved'));
    },
  });
  const zh = i18n.language.startsWith('zh');
  return (
    <Card title={t('consents')}>
      <Typography.Paragraph type="secondary">{t('consentsHint')}</Typography.Paragraph>
      {change.isError && <ErrorAlert error={change.error} />}
      <QueryView query={query}>
        {(data) => (
          <Space orientation="vertical" style={{ width: '100%' }} size="large">
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {data.purposes.map((p) => {
                // The bureau is asked while no answer is recorded: applying authorises it.
                const effective = p.purpose === 'credit_bureau' && !p.recorded ? true : p.granted;
                return (
                  <li
                    key={p.purpose}
                    style={{ display: 'flex', gap: 16, alignItems: 'flex-start', padding: '12px 0' }}
                  >
                    <div style={{ flex: 1 }}>
                      <div style={{ fontWeight: 600 }}>
                        <Space>
                          {t(`purpose.${p.purpose}`)}
                          {p.recorded ? (
                            <Tag color={p.granted ? 'green' : 'default'}>
                              {p.granted ? t('granted') : t('withdrawn')}
                            </Tag>
                          ) : (
                            <Tag>{t('notYet')}</Tag>
                          )}
                        </Space>
                      </div>
                      <div>
                        <div>{zh ? p.text.zh : p.text.en}</div>
                        {p.purpose === 'credit_bureau' && !p.recorded && <div>{t('bureauDefault')}</div>}
                        {!p.changeable && <div>{t('acceptedAtSignUp')}</div>}
                        <Typography.Text type="secondary">
                          {t('textVersion', { version: p.textVersion })}
                        </Typography.Text>
                      </div>
                    </div>
                    <Switch
                      aria-label={t(`purpose.${p.purpose}`)}
                      checked={effective}
                      disabled={!p.changeable}
                      loading={change.isPending && change.variables?.purpose === p.purpose}
                      onChange={(granted) => change.mutate({ purpose: p.purpose, granted })}
                    />
                  </li>
                );
              })}
            </ul>
            <Typography.Title level={5}>{t('history')}</Typography.Title>
            <Table
              size="small"
              rowKey="id"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              dataSource={data.history}
              columns={[
                { title: t('when'), dataIndex: 'recordedAt', render: when },
                { title: t('consents'), dataIndex: 'purpose', render: (v: string) => t(`purpose.${v}`) },
                {
                  title: t('granted'),
                  dataIndex: 'granted',
                  render: (v: boolean) => (
                    <Tag color={v ? 'green' : 'default'}>{v ? t('granted') : t('withdrawn')}</Tag>
                  ),
                },
                { title: t('source'), dataIndex: 'source', render: (v: string) => t(`sources.${v}`) },
                { title: t('version'), dataIndex: 'textVersion' },
              ]}
            />
          </Space>
        )}
      </QueryView>
    </Card>
  );
}

function Exports() {
  const { t } = useTranslation('privacy');
  const { message } = App.useApp();
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const query = useQuery({
    queryKey: ['privacy', 'exports'],
    queryFn: () => api.get<{ items: DataExport[] }>('/v1/me/data-exports'),
  });
  const request = useMutation({
    mutationFn: () => api.post<DataExport>('/v1/me/data-exports', undefined, key),
    onSuccess: () => {
      renew();
      void message.success(t('exportReady'));
      void client.invalidateQueries({ queryKey: ['privacy', 'exports'] });
    },
    onError: renewAfter,
  });
  return (
    <Card
      title={t('exports')}
      extra={
        <Button type="primary" loading={request.isPending} onClick={() => request.mutate()}>
          {t('requestExport')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('exportsHint')}</Typography.Paragraph>
      {request.isError && <ErrorAlert error={request.error} />}
      <QueryView query={query}>
        {(data) => (
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            locale={{ emptyText: t('noExports') }}
            dataSource={data.items}
            columns={[
              { title: t('created'), dataIndex: 'createdAt', render: when },
              { title: t('expires'), dataIndex: 'expiresAt', render: when },
              {
                title: t('download'),
                key: 'download',
                render: (_: unknown, e: DataExport) => (
                  <Space>
                    <a href={`/v1/me/data-exports/${e.id}.json`} download>
                      JSON
                    </a>
                    <a href={`/v1/me/data-exports/${e.id}.csv`} download>
                      CSV
                    </a>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}

/** My data: consents with their history, and exports of everything netfin holds about me. */
export function MyData() {
  const { t } = useTranslation('privacy');
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Space orientation="vertical" style={{ width: '100%' }} size="large">
        <ConsentToggles />
        <Exports />
      </Space>
    </>
  );
}
