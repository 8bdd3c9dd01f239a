import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Collapse, Descriptions, Flex, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { humanise, wordsFor } from '../../humanise.ts';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { ResponsiveTable } from './ResponsiveTable.tsx';

interface Step {
  step: string;
  owner: string;
  position: number;
  status: 'pending' | 'planned' | 'done';
  chunks: number;
  chunksDone: number;
  rows: number;
  startedAt: string | null;
  finishedAt: string | null;
  ms: number | null;
}
interface Run {
  businessDate: string;
  status: 'running' | 'done';
  workers: number;
  startedAt: string;
  finishedAt: string | null;
  lastError: string | null;
  steps: Step[];
}

const color: Record<string, string> = {
  running: 'processing',
  done: 'success',
  pending: 'default',
  planned: 'warning',
};

/** A day-close step in words: its message ("lending.ageing" → "Lending: overdue ageing"), else humanised. */
export function stepWords(step: string): string {
  const [owner = '', ...rest] = step.split('.');
  return wordsFor('staffOps', `stepNames.${owner}`, rest.join('.'), () => {
    const area = wordsFor('staffOps', 'owners', owner, () => humanise(owner));
    return rest.length ? `${area}: ${humanise(rest.join(' ')).toLowerCase()}` : area;
  });
}

/** The business date, the day-close runs with each step, and (operations) closing the day. */
export function BatchPage() {
  const { t } = useTranslation('staffOps');
  const me = useMe();
  const client = useQueryClient();
  const { modal, message } = App.useApp();
  const [key, setKey] = useState(newKey);
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const date = useQuery({
    queryKey: ['batch', 'business-date'],
    queryFn: () => api.get<{ businessDate: string; closing: boolean }>('/v1/batch/business-date'),
    refetchInterval: (q) => (q.state.data?.closing ? 2000 : false),
  });
  const runs = useQuery({
    queryKey: ['batch', 'runs'],
    queryFn: () => api.get<{ items: Run[] }>('/v1/batch/runs', { limit: 10 }),
    refetchInterval: (q) =>
      date.data?.closing || q.state.data?.items.some((r) => r.status === 'running') ? 2000 : false,
  });
  const running = !!date.data?.closing || !!runs.data?.items.some((r) => r.status === 'running');
  const close = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (businessDate: string) =>
      api.post<{ status: string }>('/v1/batch/day-close', { date: businessDate }, key),
    onSuccess: (result) => {
      setKey(newKey());
      void message.success(result.status === 'already_closed' ? t('alreadyClosed') : t('started'));
      void client.invalidateQueries({ queryKey: ['batch'] });
    },
  });
  const confirm = (businessDate: string) =>
    modal.confirm({
      title: t('confirmTitle', { date: formatDate(businessDate) }),
      content: t('confirmText'),
      okText: t('confirmOk'),
      cancelText: t('common:action.cancel'),
      onOk: () => close.mutateAsync(businessDate).catch(() => undefined),
    });
  const stepColumns = [
    { title: t('step'), dataIndex: 'step', render: stepWords },
    {
      title: t('owner'),
      dataIndex: 'owner',
      render: (v: string) => wordsFor('staffOps', 'owners', v, () => humanise(v)),
    },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (v: string) => <Tag color={color[v]}>{t(`statuses.${v}`, { defaultValue: v })}</Tag>,
    },
    { title: t('chunks'), key: 'chunks', render: (_v: unknown, s: Step) => `${s.chunksDone} / ${s.chunks}` },
    { title: t('rows'), dataIndex: 'rows', align: 'right' as const },
    { title: t('time'), dataIndex: 'ms', align: 'right' as const, render: (v: number | null) => v ?? '—' },
  ];
  return (
    <>
      <PageTitle>{t('batchTitle')}</PageTitle>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card>
          <QueryView query={date}>
            {(d) => (
              <Flex wrap gap={16} align="center" justify="space-between">
                <div>
                  <Typography.Text type="secondary">{t('businessDate')}</Typography.Text>
                  <Typography.Title level={3} style={{ margin: 0 }}>
                    {formatDate(d.businessDate)}
                  </Typography.Title>
                  {running && <Tag color="processing">{t('closing')}</Tag>}
                </div>
                {can(me.data, 'batch:operate') && (
                  <Button
                    type="primary"
                    danger
                    disabled={running}
                    loading={close.isPending}
                    onClick={() => confirm(d.businessDate)}
                  >
                    {t('closeDay')}
                  </Button>
                )}
              </Flex>
            )}
          </QueryView>
          {close.isError && (
            <div style={{ marginTop: 12 }}>
              <ErrorAlert error={close.error} />
            </div>
          )}
        </Card>
        <Card title={t('runs')} extra={running ? <Tag color="processing">{t('refreshing')}</Tag> : undefined}>
          <QueryView query={runs} empty={(d) => d.items.length === 0}>
            {(data) => (
              <Collapse
                activeKey={expanded ?? (data.items[0] ? [data.items[0].businessDate] : [])}
                onChange={(keys) => setExpanded(keys)}
                items={data.items.map((run) => ({
                  key: run.businessDate,
                  label: t('run', { date: formatDate(run.businessDate) }),
                  extra: <Tag color={color[run.status]}>{t(`statuses.${run.status}`)}</Tag>,
                  children: (
                    <Space orientation="vertical" style={{ width: '100%' }}>
                      <Descriptions
                        size="small"
                        column={{ xs: 1, sm: 2, lg: 4 }}
                        items={[
                          { key: 'workers', label: t('workers'), children: run.workers },
                          { key: 'started', label: t('startedAt'), children: formatDate(run.startedAt) },
                          { key: 'finished', label: t('finishedAt'), children: formatDate(run.finishedAt) },
                          ...(run.lastError
                            ? [{ key: 'error', label: t('lastError'), children: run.lastError }]
                            : []),
                        ]}
                      />
                      <ResponsiveTable<Step>
                        label={t('run', { date: formatDate(run.businessDate) })}
                        dense
                        rowKey="step"
                        size="small"
                        pagination={false}
                        dataSource={run.steps}
                        columns={stepColumns}
                      />
                    </Space>
                  ),
                }))}
              />
            )}
          </QueryView>
        </Card>
      </Space>
    </>
  );
}
