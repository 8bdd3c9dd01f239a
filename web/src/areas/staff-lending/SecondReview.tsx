import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Space, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Money, newKey } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';

export interface StaffLoan {
  id: string;
  status: string;
  product: string;
  amount: Money;
  annualRate: string;
  term: number;
  termUnit: string;
  grade: string;
  purpose: string;
  borrower: Record<string, unknown>;
  fullAt: string | null;
}

/** Full listings waiting for a second review (满标复审): approve to disburse, or reject to release the bids. */
export function SecondReview() {
  const { t } = useTranslation('staffLending');
  const client = useQueryClient();
  const { modal, message } = App.useApp();
  const [key, setKey] = useState(newKey);
  const [rejecting, setRejecting] = useState<StaffLoan | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const loans = useInfiniteQuery({
    queryKey: ['lending', 'loans', 'full'],
    queryFn: ({ pageParam }) =>
      api.get<{ items: StaffLoan[]; nextBefore: string | null }>('/v1/lending/loans', {
        status: 'full',
        limit: 50,
        before: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const review = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (v: { id: string; decision: 'approve' | 'reject'; reason?: string }) =>
      api.post<StaffLoan>(
        `/v1/lending/loans/${v.id}/second-review`,
        { decision: v.decision, ...(v.reason ? { reason: v.reason } : {}) },
        key,
      ),
    onSuccess: (_loan, v) => {
      setKey(newKey());
      setRejecting(null);
      void message.success(v.decision === 'approve' ? t('approved') : t('rejected'));
      void client.invalidateQueries({ queryKey: ['lending'] });
    },
  });
  const items = loans.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: ColumnsType<StaffLoan> = [
    { title: t('fullAt'), dataIndex: 'fullAt', render: (v: string | null) => formatDate(v) },
    {
      title: t('amount'),
      dataIndex: 'amount',
      align: 'right',
      render: (_v, l) => <Amount value={l.amount} />,
    },
    { title: t('rate'), dataIndex: 'annualRate', render: (v: string) => <Rate value={v} /> },
    { title: t('term'), dataIndex: 'term', render: (v: number, l) => t(`units.${l.termUnit}`, { count: v }) },
    { title: t('grade'), dataIndex: 'grade' },
    { title: t('purpose'), dataIndex: 'purpose' },
    { title: t('product'), dataIndex: 'product' },
    {
      title: t('actions'),
      key: 'actions',
      render: (_v, l) => (
        <Space wrap>
          <Button
            type="primary"
            size="small"
            onClick={() =>
              modal.confirm({
                title: t('confirmApprove'),
                okText: t('approve'),
                cancelText: t('common:action.cancel'),
                onOk: () => review.mutateAsync({ id: l.id, decision: 'approve' }).catch(() => undefined),
              })
            }
          >
            {t('approve')}
          </Button>
          <Button danger size="small" onClick={() => setRejecting(l)}>
            {t('reject')}
          </Button>
        </Space>
      ),
    },
  ];
  return (
    <>
      <PageTitle>{t('secondReviewTitle')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('secondReviewHint')}</Typography.Paragraph>
      <Card>
        {review.isError && !rejecting && (
          <div style={{ marginBottom: 12 }}>
            <ErrorAlert error={review.error} />
          </div>
        )}
        {loans.isError ? (
          <ErrorAlert error={loans.error} onRetry={() => void loans.refetch()} />
        ) : (
          <>
            <ResponsiveTable<StaffLoan>
              label={t('secondReviewTitle')}
              actionKeys={['actions']}
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={items}
              loading={loans.isPending}
              pagination={false}
            />
            {loans.hasNextPage && (
              <Button block style={{ marginTop: 12 }} onClick={() => void loans.fetchNextPage()}>
                {t('common:state.more')}
              </Button>
            )}
          </>
        )}
      </Card>
      <Modal
        open={!!rejecting}
        title={t('rejectTitle')}
        okText={t('rejectOk')}
        okButtonProps={{ danger: true }}
        cancelText={t('common:action.cancel')}
        confirmLoading={review.isPending}
        onCancel={() => setRejecting(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          name="rejectListing"
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={(v) =>
            rejecting && review.mutate({ id: rejecting.id, decision: 'reject', reason: v.reason })
          }
        >
          <Form.Item
            name="reason"
            label={t('rejectReason')}
            rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
          >
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
        {review.isError && <ErrorAlert error={review.error} />}
      </Modal>
    </>
  );
}
