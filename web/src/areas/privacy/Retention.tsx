import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, InputNumber, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { useFormKey } from '../../formKey.ts';

interface Rule {
  kind: string;
  action: string;
  afterDays: number;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string;
}

interface Run {
  id: string;
  businessDate: string;
  kind: string;
  action: string;
  afterDays: number;
  rowsAffected: number;
  trigger: string;
  ranBy: string;
  ranAt: string;
}

function RuleRow({ rule }: { rule: Rule }) {
  const { t } = useTranslation('privacy');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [days, setDays] = useState<number | null>(rule.afterDays);
  const save = useMutation({
    mutationFn: (change: { afterDays?: number; enabled?: boolean }) =>
      api.put<Rule>(`/v1/privacy/retention/rules/${rule.kind}`, change),
    onSuccess: () => {
      void message.success(t('saved'));
      void client.invalidateQueries({ queryKey: ['privacy', 'rules'] });
    },
  });
  return (
    <Space wrap>
      <InputNumber
        aria-label={t('afterDays')}
        min={1}
        max={36500}
        precision={0}
        value={days}
        onChange={(v) => setDays(v)}
      />
      <Button
        disabled={days === null || days === rule.afterDays}
        loading={save.isPending}
        onClick={() => days !== null && save.mutate({ afterDays: days })}
      >
        {t('save')}
      </Button>
      <Switch
        aria-label={t('enabled')}
        checked={rule.enabled}
        onChange={(enabled) => save.mutate({ enabled })}
      />
      {save.isError && <ErrorAlert error={save.error} />}
    </Space>
  );
}

/** Staff (privacy:manage): the retention rules, a catch-up run, and the latest runs. */
export function Retention() {
  const { t } = useTranslation('privacy');
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  const [date, setDate] = useState('');
  const rules = useQuery({
    queryKey: ['privacy', 'rules'],
    queryFn: () => api.get<{ items: Rule[] }>('/v1/privacy/retention/rules'),
  });
  const runs = useQuery({
    queryKey: ['privacy', 'runs'],
    queryFn: () => api.get<{ items: Run[] }>('/v1/privacy/retention/runs', { limit: 100 }),
  });
  const run = useMutation({
    mutationFn: () => api.post<{ items: Run[] }>('/v1/privacy/retention/run', { date }, key),
    onSuccess: () => {
      renew();
      void client.invalidateQueries({ queryKey: ['privacy', 'runs'] });
    },
    onError: renewAfter,
  });
  return (
    <>
      <PageTitle>{t('staffNav')}</PageTitle>
      <Space orientation="vertical" style={{ width: '100%' }} size="large">
        <Card title={t('rules')}>
          <Typography.Paragraph type="secondary">{t('rulesHint')}</Typography.Paragraph>
          <QueryView query={rules}>
            {(data) => (
              <Table
                size="small"
                rowKey="kind"
                pagination={false}
                dataSource={data.items}
                columns={[
                  {
                    title: t('dataKind'),
                    dataIndex: 'kind',
                    render: (v: string) => t(`kind.${v}`),
                  },
                  { title: '', dataIndex: 'action', render: (v: string) => <Tag>{t(`action.${v}`)}</Tag> },
                  {
                    title: t('afterDays'),
                    key: 'edit',
                    render: (_: unknown, r: Rule) => <RuleRow rule={r} />,
                  },
                ]}
              />
            )}
          </QueryView>
        </Card>
        <Card title={t('runs')}>
          <Space style={{ marginBottom: 12 }} wrap>
            <Input
              aria-label={t('businessDate')}
              placeholder="YYYY-MM-DD"
              value={date}
              onChange={(e) => setDate(e.target.value.trim())}
              style={{ width: 140 }}
            />
            <Button
              type="primary"
              disabled={!/^\d{4}-\d{2}-\d{2}$/.test(date)}
              loading={run.isPending}
              onClick={() => run.mutate()}
            >
              {t('runNow')}
            </Button>
          </Space>
          {run.isError && <ErrorAlert error={run.error} />}
          <QueryView query={runs}>
            {(data) => (
              <Table
                size="small"
                rowKey="id"
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={data.items}
                columns={[
                  { title: t('businessDate'), dataIndex: 'businessDate' },
                  { title: '', dataIndex: 'kind', render: (v: string) => t(`kind.${v}`) },
                  { title: t('afterDays'), dataIndex: 'afterDays' },
                  { title: t('rows'), dataIndex: 'rowsAffected' },
                  { title: '', dataIndex: 'trigger', render: (v: string) => t(`trigger.${v}`) },
                  { title: t('ranBy'), dataIndex: 'ranBy' },
                  {
                    title: t('when'),
                    dataIndex: 'ranAt',
                    render: (v: string) => new Date(v).toLocaleString(),
                  },
                ]}
              />
            )}
          </QueryView>
        </Card>
      </Space>
    </>
  );
}
