import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Radio, Space, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { labelOf } from './shared.tsx';
import type { Task } from './types.ts';

/** Tasks by due time, each closable by its owner (or a manager) and reassignable by a manager. */
export function TaskTable({
  tasks,
  loading,
  showOwner,
  showCustomer = true,
  manager,
}: {
  tasks: Task[] | undefined;
  loading: boolean;
  showOwner?: boolean;
  showCustomer?: boolean;
  manager: boolean;
}) {
  const { t } = useTranslation('staffPipeline');
  const [closing, setClosing] = useState<Task | null>(null);
  const [moving, setMoving] = useState<Task | null>(null);
  const columns: ColumnsType<Task> = [
    {
      title: t('due'),
      dataIndex: 'dueAt',
      render: (v: string, task) => (
        <Space>
          {formatDate(v)}
          {task.overdue && <Tag color="red">{t('overdue')}</Tag>}
        </Space>
      ),
    },
    { title: t('kind'), dataIndex: 'kind', render: (v: string) => t(`kinds.${v}`, { defaultValue: v }) },
    ...(showCustomer
      ? [
          {
            title: t('customer'),
            key: 'customer',
            render: (_v: unknown, task: Task) => (
              <Link to={`/staff/pipeline/prospects/${task.prospectId}`}>
                {task.customer.name ?? '—'} {task.customer.phone ?? ''}
              </Link>
            ),
          },
        ]
      : []),
    ...(showOwner
      ? [{ title: t('owner'), key: 'owner', render: (_v: unknown, task: Task) => task.owner.name ?? '—' }]
      : []),
    {
      title: t('suggestions'),
      key: 'suggestions',
      render: (_v, task) =>
        task.suggestions.length === 0 ? (
          '—'
        ) : (
          <Typography.Text>{task.suggestions.map((s) => labelOf(s.title, s.id)).join('; ')}</Typography.Text>
        ),
    },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (v: string, task) => (
        <Space orientation="vertical" size={0}>
          {t(`taskStatuses.${v}`, { defaultValue: v })}
          {task.outcome && <Typography.Text type="secondary">{task.outcome}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '',
      key: 'actions',
      render: (_v, task) =>
        task.status === 'open' && (
          <Space>
            <Button size="small" onClick={() => setClosing(task)}>
              {t('complete')}
            </Button>
            {manager && (
              <Button size="small" onClick={() => setMoving(task)}>
                {t('reassign')}
              </Button>
            )}
          </Space>
        ),
    },
  ];
  return (
    <>
      <ResponsiveTable<Task>
        label={t('tasks')}
        actionKeys={['actions']}
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={tasks}
        loading={loading}
        pagination={{ pageSize: 50 }}
      />
      {closing && <CloseTask task={closing} onDone={() => setClosing(null)} />}
      {moving && <ReassignTask task={moving} onDone={() => setMoving(null)} />}
    </>
  );
}

function useKeyedMutation<B>(
  url: string,
  success: string,
  onDone: () => void,
  form: ReturnType<typeof Form.useForm>[0],
) {
  const client = useQueryClient();
  const { message } = App.useApp();
  const [key, setKey] = useState(newKey);
  return useMutation({
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (body: B) => api.post<Task>(url, body, key),
    onSuccess: () => {
      void message.success(success);
      void client.invalidateQueries({ queryKey: ['crm'] });
      onDone();
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
}

function CloseTask({ task, onDone }: { task: Task; onDone: () => void }) {
  const { t } = useTranslation('staffPipeline');
  const [form] = Form.useForm();
  const close = useKeyedMutation<{ status: string; outcome: string }>(
    `/v1/crm/tasks/${task.id}/complete`,
    t('closed'),
    onDone,
    form,
  );
  return (
    <Modal
      open
      title={t('completeTitle')}
      onCancel={onDone}
      onOk={() => form.submit()}
      confirmLoading={close.isPending}
      okText={t('save')}
    >
      {close.isError && <ErrorAlert error={close.error} />}
      <Form
        form={form}
        layout="vertical"
        name="close-task"
        initialValues={{ status: 'done' }}
        onFinish={(v) => close.mutate(v)}
      >
        <Form.Item name="status" label={t('status')}>
          <Radio.Group>
            <Radio value="done">{t('complete')}</Radio>
            <Radio value="cancelled">{t('cancel')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="outcome"
          label={t('outcomeHelp')}
          rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ReassignTask({ task, onDone }: { task: Task; onDone: () => void }) {
  const { t } = useTranslation('staffPipeline');
  const [form] = Form.useForm();
  const move = useKeyedMutation<{ ownerId: string }>(
    `/v1/crm/tasks/${task.id}/reassign`,
    t('reassigned'),
    onDone,
    form,
  );
  return (
    <Modal
      open
      title={t('reassign')}
      onCancel={onDone}
      onOk={() => form.submit()}
      confirmLoading={move.isPending}
      okText={t('save')}
    >
      {move.isError && <ErrorAlert error={move.error} />}
      <Form form={form} layout="vertical" name="reassign-task" onFinish={(v) => move.mutate(v)}>
        <Form.Item
          name="ownerId"
          label={t('reassignTo')}
          rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
        >
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
