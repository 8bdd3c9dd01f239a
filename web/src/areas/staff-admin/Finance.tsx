import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Select, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Money, newKey } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';

interface PaymentException {
  id: string;
  kind: string;
  channel: string | null;
  orderId: string | null;
  reference: string;
  details: unknown;
  amount: Money | null;
  status: string;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
  note: string | null;
}

const RESOLUTIONS = ['accepted_channel', 'accepted_netfin', 'adjusted', 'written_off', 'false_alarm'];

/** Finance: payment exceptions (mismatches, unknown orders, reconciliation differences) and resolving them. */
export function Finance() {
  const { t } = useTranslation('staffAdmin');
  const [status, setStatus] = useState<string | undefined>('open');
  const [resolving, setResolving] = useState<PaymentException | null>(null);
  const list = useInfiniteQuery({
    queryKey: ['finance', 'exceptions', status],
    queryFn: ({ pageParam }) =>
      api.get<{ items: PaymentException[]; nextBefore: string | null }>('/v1/finance/exceptions', {
        status,
        limit: 50,
        before: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: ColumnsType<PaymentException> = [
    { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDate(v) },
    { title: t('kind'), dataIndex: 'kind', render: (v: string) => t(`kinds.${v}`, { defaultValue: v }) },
    { title: t('channel'), dataIndex: 'channel', render: (v: string | null) => v ?? '—' },
    {
      title: t('amount'),
      dataIndex: 'amount',
      align: 'right',
      render: (v: Money | null) => (v ? <Amount value={v} /> : '—'),
    },
    { title: t('reference'), dataIndex: 'reference' },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (v: string) => (
        <Tag color={v === 'open' ? 'warning' : 'success'}>{t(`statuses.${v}`, { defaultValue: v })}</Tag>
      ),
    },
    {
      title: t('resolution'),
      dataIndex: 'resolution',
      render: (v: string | null, e) =>
        v ? `${t(`resolutions.${v}`, { defaultValue: v })}${e.note ? ` · ${e.note}` : ''}` : '—',
    },
    {
      title: t('resolve'),
      key: 'resolve',
      render: (_v, e) =>
        e.status === 'open' ? (
          <Button size="small" onClick={() => setResolving(e)} aria-label={`${t('resolve')} ${e.reference}`}>
            {t('resolve')}
          </Button>
        ) : null,
    },
  ];
  return (
    <>
      <PageTitle
        extra={
          <Select
            aria-label={t('status')}
            allowClear
            placeholder={t('status')}
            style={{ minWidth: 140 }}
            value={status}
            onChange={setStatus}
            options={['open', 'resolved'].map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
          />
        }
      >
        {t('financeTitle')}
      </PageTitle>
      <Card>
        {list.isError ? (
          <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <>
            <ResponsiveTable<PaymentException>
              label={t('financeTitle')}
              actionKeys={['resolve']}
              expandLabel={t('details')}
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={items}
              loading={list.isPending}
              pagination={false}
              expandable={{
                expandedRowRender: (e) => (
                  <pre style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: 12 }}>
                    {JSON.stringify(e.details, null, 2)}
                  </pre>
                ),
              }}
            />
            {list.hasNextPage && (
              <Button block style={{ marginTop: 12 }} onClick={() => void list.fetchNextPage()}>
                {t('common:state.more')}
              </Button>
            )}
          </>
        )}
      </Card>
      <ResolveModal exception={resolving} onClose={() => setResolving(null)} />
    </>
  );
}

function ResolveModal({ exception, onClose }: { exception: PaymentException | null; onClose: () => void }) {
  const { t } = useTranslation('staffAdmin');
  const [form] = Form.useForm<{ resolution: string; note: string }>();
  const [key, setKey] = useState(newKey);
  const client = useQueryClient();
  const { message } = App.useApp();
  const resolve = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (v: { resolution: string; note: string }) =>
      api.post(`/v1/finance/exceptions/${exception!.id}/resolve`, v, key),
    onSuccess: () => {
      setKey(newKey());
      void message.success(t('resolved'));
      void client.invalidateQueries({ queryKey: ['finance'] });
      onClose();
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const required = [{ required: true, whitespace: true, message: t('common:validation.required') }];
  return (
    <Modal
      open={!!exception}
      title={t('resolveTitle', { reference: exception?.reference ?? '' })}
      okText={t('resolve')}
      cancelText={t('common:action.cancel')}
      confirmLoading={resolve.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        name="resolveException"
        layout="vertical"
        preserve={false}
        onFinish={(v) => resolve.mutate(v)}
      >
        <Form.Item name="resolution" label={t('resolution')} rules={required}>
          <Select options={RESOLUTIONS.map((r) => ({ value: r, label: t(`resolutions.${r}`) }))} />
        </Form.Item>
        <Form.Item name="note" label={t('note')} rules={required}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
      {resolve.isError && <ErrorAlert error={resolve.error} />}
    </Modal>
  );
}
