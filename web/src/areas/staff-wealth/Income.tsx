import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Flex, Form, Input, Modal, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, QueryView } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatDecimal } from '../../money.ts';

interface IncomeDay {
  date: string;
  entry: { per10k: string; creditedOn: string | null; locked: boolean } | null;
  missing: boolean;
  credited: boolean;
  holders: number | null;
  eligibleUnits: Money | null;
  fundIncome: Money | null;
  distributed: Money | null;
  undistributed: Money | null;
}

interface Values {
  date: Dayjs;
  per10k: string;
}

/**
 * The money-market fund's income per 10,000 units, entered by operations for every calendar day; a
 * figure far from the recent ones is answered 409 income_far_from_recent and entered only after a
 * confirmation. Beside it, each day's reconciliation once day-close has credited it.
 */
export function Income({ manage, businessDate }: { manage: boolean; businessDate: string }) {
  const { t } = useTranslation('staffWealth');
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const { key, renew, renewAfter } = useFormKey();
  const [far, setFar] = useState<{ values: Values; per10k: string; mean: string; entries: number } | null>(
    null,
  );
  const from = dayjs(businessDate).subtract(30, 'day').format('YYYY-MM-DD');
  const to = dayjs(businessDate).add(10, 'day').format('YYYY-MM-DD');
  const days = useQuery({
    queryKey: ['staff-wealth', 'income', from, to],
    queryFn: () => api.get<{ days: IncomeDay[] }>('/v1/wealth/ops/mmf/income', { from, to }),
  });
  const enter = useMutation({
    mutationFn: (v: Values & { confirmFar?: boolean }) =>
      api.post<{ entry: { date: string; per10k: string }; corrected: boolean }>(
        '/v1/wealth/ops/mmf/income',
        {
          date: v.date.format('YYYY-MM-DD'),
          per10k: v.per10k.trim(),
          ...(v.confirmFar ? { confirmFar: true } : {}),
        },
        key,
      ),
    onSuccess: () => {
      renew();
      setFar(null);
      void client.invalidateQueries({ queryKey: ['staff-wealth', 'income'] });
    },
    onError: (error, v) => {
      renewAfter(error);
      if (error instanceof ApiError && error.code === 'income_far_from_recent') {
        const d = error.details as { per10k?: string; mean?: string; entries?: number } | undefined;
        setFar({ values: v, per10k: d?.per10k ?? v.per10k, mean: d?.mean ?? '—', entries: d?.entries ?? 7 });
        return;
      }
      form.setFields(fieldErrors(error));
    },
  });
  const done = enter.data;
  return (
    <Flex vertical gap={16}>
      {manage && (
        <Card title={t('income.enter')}>
          {done && (
            <Alert
              type="success"
              showIcon
              role="status"
              style={{ marginBottom: 12 }}
              title={t(done.corrected ? 'income.corrected' : 'income.saved', {
                date: formatDate(done.entry.date),
                per10k: done.entry.per10k,
              })}
            />
          )}
          <Form
            name="mmf-income"
            form={form}
            layout="inline"
            initialValues={{ date: dayjs(businessDate) }}
            onFinish={(v) => {
              enter.reset();
              enter.mutate(v);
            }}
          >
            <Form.Item
              name="date"
              label={t('income.date')}
              rules={[{ required: true, message: t('common:validation.required') }]}
            >
              <DatePicker allowClear={false} />
            </Form.Item>
            <Form.Item
              name="per10k"
              label={t('income.per10k')}
              extra={t('income.per10kHint')}
              rules={[
                { required: true, message: t('common:validation.required') },
                { pattern: /^\d{1,2}\.\d{4}$/, message: t('income.per10kMalformed') },
              ]}
            >
              <Input inputMode="decimal" autoComplete="off" style={{ width: 140 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={enter.isPending && !far}>
              {t('income.submit')}
            </Button>
          </Form>
          {enter.isError && !far && (
            <div style={{ marginTop: 12 }}>
              <ErrorAlert error={enter.error} />
            </div>
          )}
          <Modal
            open={!!far}
            title={t('income.farTitle')}
            okText={t('income.farConfirm')}
            cancelText={t('common:action.cancel')}
            confirmLoading={enter.isPending}
            destroyOnHidden
            onOk={() => far && enter.mutate({ ...far.values, confirmFar: true })}
            onCancel={() => setFar(null)}
          >
            {far && (
              <Alert
                type="warning"
                showIcon
                title={t('income.far', { figure: far.per10k, mean: far.mean, count: far.entries })}
              />
            )}
          </Modal>
        </Card>
      )}
      <Card title={t('income.table')}>
        <QueryView query={days}>
          {(data) => (
            <Table<IncomeDay>
              rowKey="date"
              size="small"
              scroll={{ x: true }}
              aria-label={t('income.table')}
              pagination={{ pageSize: 15, hideOnSinglePage: true }}
              dataSource={[...data.days].reverse()}
              columns={[
                { key: 'd', title: t('income.date'), render: (_, d) => formatDate(d.date) },
                { key: 'k', title: t('income.entry'), render: (_, d) => d.entry?.per10k ?? '—' },
                {
                  key: 's',
                  title: t('liquidity.status'),
                  render: (_, d) =>
                    d.credited ? (
                      <Tag color="success">{t('income.credited')}</Tag>
                    ) : d.missing ? (
                      <Tag color="error">{t('income.missing')}</Tag>
                    ) : d.entry ? (
                      <Tag>{t('income.pending')}</Tag>
                    ) : (
                      '—'
                    ),
                },
                { key: 'h', title: t('income.holders'), render: (_, d) => d.holders ?? '—' },
                {
                  key: 'u',
                  title: t('income.eligible'),
                  render: (_, d) => (d.eligibleUnits ? formatDecimal(d.eligibleUnits.amount) : '—'),
                },
                {
                  key: 'f',
                  title: t('income.fundIncome'),
                  render: (_, d) => <Amount value={d.fundIncome} />,
                },
                {
                  key: 'x',
                  title: t('income.distributed'),
                  render: (_, d) => <Amount value={d.distributed} />,
                },
                {
                  key: 'y',
                  title: t('income.undistributed'),
                  render: (_, d) => <Amount value={d.undistributed} />,
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
    </Flex>
  );
}
