import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Progress,
  Radio,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, newKey } from '../../api.ts';
import {
  Amount,
  AmountInput,
  ErrorAlert,
  PageTitle,
  QueryView,
  useAmountRules,
} from '../../components/ui.tsx';
import { errorText, fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { BackingStatusTag, DeliveryText } from './backing-parts.tsx';
import { EntryList } from './EntryList.tsx';
import { PhaseTag } from './MyProjects.tsx';
import { ProjectEditor } from './ProjectEditor.tsx';
import {
  type Backing,
  barPercent,
  formatShare,
  fromMinor,
  type Project,
  type ShippingRow,
  toMinor,
  useUpdates,
} from './types.ts';

const invalidate = (client: ReturnType<typeof useQueryClient>) =>
  void client.invalidateQueries({ queryKey: ['crowdfunding'] });

/** Where the project stands, in words, with what the creator can do next. */
function StatusNote({ project }: { project: Project }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const submit = useMutation({
    mutationFn: () => api.post<Project>(`/v1/crowdfunding/projects/${project.id}/submit`),
    onSuccess: () => invalidate(client),
  });
  const submitButton = (
    <Button type="primary" loading={submit.isPending} onClick={() => submit.mutate()}>
      {t('manage.submit')}
    </Button>
  );
  const alert = (() => {
    switch (project.phase) {
      case 'draft':
        return <Alert type="info" showIcon title={t('manage.draft')} action={submitButton} />;
      case 'changes_requested':
        return (
          <Alert
            type="warning"
            showIcon
            title={t('manage.changesRequested')}
            description={project.reviewNote}
            action={submitButton}
          />
        );
      case 'submitted':
        return <Alert type="info" showIcon title={t('manage.submitted')} />;
      case 'refused':
        return (
          <Alert
            type="error"
            showIcon
            title={t('manage.refused', {
              reason: t(`refusal.${project.refusalCode ?? 'other'}`, { defaultValue: t('refusal.other') }),
            })}
            description={project.reviewNote}
          />
        );
      case 'approved':
        return (
          <Alert type="success" showIcon title={t('manage.approved')} description={project.reviewNote} />
        );
      case 'scheduled':
        return (
          <Alert
            type="info"
            showIcon
            title={t('manage.scheduled', {
              launch: formatDate(project.launchAt),
              deadline: formatDate(project.deadlineAt),
            })}
          />
        );
      case 'live':
        return (
          <Alert
            type="info"
            showIcon
            title={t('manage.live', { deadline: formatDate(project.deadlineAt), count: project.daysLeft })}
          />
        );
      case 'succeeded':
        return (
          <Alert type="success" showIcon title={t('manage.succeeded', { fee: formatMoney(project.fee) })} />
        );
      case 'failed':
        return <Alert type="warning" showIcon title={t('manage.failed')} />;
    }
  })();
  return (
    <Flex vertical gap={8} style={{ marginBottom: 16 }}>
      {alert}
      {submit.isError && <ErrorAlert error={submit.error} />}
    </Flex>
  );
}

/** An approved project's launch: now, or at a time the creator picks. */
function Schedule({ project }: { project: Project }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const [form] = Form.useForm<{ when: 'now' | 'later'; at?: Dayjs }>();
  const when = Form.useWatch('when', form);
  const [key, setKey] = useState(newKey);
  const schedule = useMutation({
    mutationFn: (launchAt: string) =>
      api.post<Project>(`/v1/crowdfunding/projects/${project.id}/schedule`, { launchAt }, key),
    onSuccess: () => {
      setKey(newKey());
      invalidate(client);
    },
  });
  return (
    <Card
      title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('manage.launchTitle')}</h2>}
      style={{ marginBottom: 16 }}
    >
      <Typography.Paragraph type="secondary">
        {t('manage.launchHint', { count: project.durationDays })}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ when: 'now' }}
        onFinish={(v) =>
          schedule.mutate(v.when === 'now' || !v.at ? new Date().toISOString() : v.at.toISOString())
        }
      >
        <Form.Item name="when" label={t('manage.launchWhen')}>
          <Radio.Group
            options={[
              { value: 'now', label: t('manage.launchNow') },
              { value: 'later', label: t('manage.launchLater') },
            ]}
          />
        </Form.Item>
        {when === 'later' && (
          <Form.Item
            name="at"
            label={t('manage.launchAt')}
            rules={[{ required: true, message: t('common:validation.required') }]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        )}
        {schedule.isError && (
          <div style={{ marginBottom: 12 }}>
            <ErrorAlert error={schedule.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" loading={schedule.isPending}>
          {t('manage.launch')}
        </Button>
      </Form>
    </Card>
  );
}

/** A modal form, opened by its button, posting to the API. */
function ActionModal<V extends object>({
  button,
  title,
  ok,
  danger,
  children,
  submit,
}: {
  button: string;
  title: string;
  ok: string;
  danger?: boolean;
  children: ReactNode;
  submit: (values: V, key: string) => Promise<unknown>;
}) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState(newKey);
  const [form] = Form.useForm<V>();
  const run = useMutation({
    mutationFn: (values: V) => submit(values, key),
    onSuccess: () => {
      setOpen(false);
      setKey(newKey());
      void message.success(t('manage.saved'));
      invalidate(client);
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <>
      <Button size="small" danger={danger} onClick={() => setOpen(true)}>
        {button}
      </Button>
      <Modal
        open={open}
        title={title}
        okText={ok}
        okButtonProps={{ danger }}
        cancelText={t('common:action.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={run.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => run.mutate(v)} preserve={false}>
          {children}
          {run.isError && <ErrorAlert error={run.error} />}
        </Form>
      </Modal>
    </>
  );
}

/** Backers (never named: numbered), their rewards and delivery, the addresses of rewards that ship; refunds. */
function Backers({ project }: { project: Project }) {
  const { t } = useTranslation('crowdfunding');
  const amountRules = useAmountRules();
  const client = useQueryClient();
  const { message } = App.useApp();
  const rows = useQuery({
    queryKey: ['crowdfunding', 'shipping', project.id],
    queryFn: () => api.get<{ items: ShippingRow[] }>(`/v1/crowdfunding/mine/projects/${project.id}/shipping`),
  });
  const delivered = useMutation({
    mutationFn: (backing: Backing) =>
      api.post(`/v1/crowdfunding/backings/${backing.id}/delivery`, { state: 'delivered' }),
    onSuccess: () => {
      void message.success(t('manage.saved'));
      invalidate(client);
    },
    onError: (error) => void message.error(errorText(error)),
  });
  const required = { required: true, whitespace: true, message: t('common:validation.required') };
  const items = rows.data?.items ?? [];
  const number = new Map(
    [...items]
      .sort((a, b) => a.backing.createdAt.localeCompare(b.backing.createdAt))
      .map((row, i) => [row.backing.id, i + 1]),
  );
  const columns: ColumnsType<ShippingRow> = [
    {
      title: t('manage.backer'),
      key: 'backer',
      render: (_v, r) => t('manage.backerN', { n: number.get(r.backing.id) }),
    },
    { title: t('mine.backedOn'), key: 'date', render: (_v, r) => formatDate(r.backing.createdAt) },
    {
      title: t('mine.reward'),
      key: 'reward',
      render: (_v, r) => project.tiers.find((x) => x.id === r.backing.tierId)?.title ?? t('back.noReward'),
    },
    {
      title: t('mine.amount'),
      key: 'amount',
      align: 'right',
      render: (_v, r) => <Amount value={r.backing.amount} />,
    },
    { title: t('mine.status'), key: 'status', render: (_v, r) => <BackingStatusTag backing={r.backing} /> },
    {
      title: t('mine.delivery'),
      key: 'delivery',
      render: (_v, r) => (r.backing.tierId ? <DeliveryText backing={r.backing} /> : '—'),
    },
    {
      title: t('mine.address'),
      key: 'address',
      render: (_v, r) =>
        !r.shipping ? (
          t('manage.noShipping')
        ) : r.address ? (
          <span
            style={{ whiteSpace: 'pre-wrap' }}
          >{`${r.address.name} ${r.address.phone}\n${r.address.address}`}</span>
        ) : (
          t('address.missing')
        ),
    },
    {
      title: t('mine.actions'),
      key: 'actions',
      render: (_v, r) => {
        const b = r.backing;
        if (b.status !== 'collected') return '—';
        const left = toMinor(b.amount.amount) - toMinor(b.refunded.amount);
        return (
          <Flex wrap gap={6}>
            {b.tierId && b.delivery === 'pending' && (
              <ActionModal<{ carrier: string; tracking: string }>
                button={t('manage.markShipped')}
                title={t('manage.shipTitle')}
                ok={t('common:action.save')}
                submit={(v, key) =>
                  api.post(`/v1/crowdfunding/backings/${b.id}/delivery`, { state: 'shipped', ...v }, key)
                }
              >
                <Form.Item name="carrier" label={t('manage.carrier')} rules={[required]}>
                  <Input maxLength={60} />
                </Form.Item>
                <Form.Item name="tracking" label={t('manage.tracking')} rules={[required]}>
                  <Input maxLength={60} />
                </Form.Item>
              </ActionModal>
            )}
            {b.tierId && b.delivery !== 'delivered' && (
              <Button size="small" loading={delivered.isPending} onClick={() => delivered.mutate(b)}>
                {t('manage.markDelivered')}
              </Button>
            )}
            {left > 0n && (
              <ActionModal<{ amount: string; reason: string }>
                button={t('refund.button')}
                title={t('refund.title')}
                ok={t('refund.ok')}
                danger
                submit={(v, key) =>
                  api.post(
                    `/v1/crowdfunding/backings/${b.id}/refund`,
                    { amount: { amount: v.amount, currency: 'CNY' }, reason: v.reason.trim() },
                    key,
                  )
                }
              >
                <Typography.Paragraph type="secondary">
                  {t('refund.hint', { amount: formatMoney({ amount: fromMinor(left), currency: 'CNY' }) })}
                </Typography.Paragraph>
                <Form.Item
                  name="amount"
                  label={t('refund.amount')}
                  rules={amountRules}
                  initialValue={fromMinor(left)}
                >
                  <AmountInput />
                </Form.Item>
                <Form.Item name="reason" label={t('refund.reason')} rules={[required]}>
                  <Input.TextArea rows={2} maxLength={500} />
                </Form.Item>
              </ActionModal>
            )}
          </Flex>
        );
      },
    },
  ];
  return rows.isError ? (
    <ErrorAlert error={rows.error} onRetry={() => void rows.refetch()} />
  ) : (
    <ResponsiveTable<ShippingRow>
      label={t('manage.backers')}
      actionKeys={['actions']}
      rowKey={(r) => r.backing.id}
      size="small"
      loading={rows.isPending}
      columns={columns}
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
    />
  );
}

/** Post an update to every backer (each is told by message), and the updates so far. */
function Updates({ project }: { project: Project }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ title: string; body: string }>();
  const [key, setKey] = useState(newKey);
  const updates = useUpdates(project.id);
  const post = useMutation({
    mutationFn: (v: { title: string; body: string }) =>
      api.post<{ id: string; notified: number }>(
        `/v1/crowdfunding/projects/${project.id}/updates`,
        { title: v.title.trim(), body: v.body.trim() },
        key,
      ),
    onSuccess: (result) => {
      form.resetFields();
      setKey(newKey());
      void message.success(t('manage.updatePosted', { count: result.notified }));
      invalidate(client);
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const required = { required: true, whitespace: true, message: t('common:validation.required') };
  return (
    <>
      <Form form={form} layout="vertical" onFinish={(v) => post.mutate(v)} name="cf-update">
        <Form.Item name="title" label={t('manage.updateTitle')} rules={[required]}>
          <Input maxLength={120} />
        </Form.Item>
        <Form.Item name="body" label={t('manage.updateBody')} rules={[required]}>
          <Input.TextArea rows={4} maxLength={10_000} showCount />
        </Form.Item>
        {post.isError && (
          <div style={{ marginBottom: 12 }}>
            <ErrorAlert error={post.error} />
          </div>
        )}
        <Button type="primary" htmlType="submit" loading={post.isPending}>
          {t('manage.postUpdate')}
        </Button>
      </Form>
      <QueryView query={updates}>
        {(data) =>
          data.items.length === 0 ? (
            <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
              {t('page.noUpdates')}
            </Typography.Paragraph>
          ) : (
            <div style={{ marginTop: 16 }}>
              <EntryList
                items={data.items}
                keyOf={(u) => u.id}
                render={(u) => (
                  <>
                    <Typography.Text strong>{u.title}</Typography.Text>
                    <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
                      {`${formatDate(u.createdAt)} · ${u.body.length > 140 ? `${u.body.slice(0, 140)}…` : u.body}`}
                    </Typography.Paragraph>
                  </>
                )}
              />
            </div>
          )
        }
      </QueryView>
    </>
  );
}

/** The payout plan's milestones: what each pays, and evidence for the next one when the project succeeded. */
function Milestones({ project }: { project: Project }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const [form] = Form.useForm<{ evidence: string }>();
  const [key, setKey] = useState(newKey);
  const next = project.milestones.find((m) => m.status !== 'paid');
  const send = useMutation({
    mutationFn: (evidence: string) =>
      api.post<Project>(`/v1/crowdfunding/projects/${project.id}/milestones/submit`, { evidence }, key),
    onSuccess: () => {
      form.resetFields();
      setKey(newKey());
      invalidate(client);
    },
  });
  return (
    <>
      <EntryList
        items={project.milestones}
        keyOf={(m) => m.id}
        render={(m) => (
          <Flex vertical gap={2}>
            <span>
              <Typography.Text strong>{m.title}</Typography.Text> · {formatShare(m.share)}{' '}
              <Tag color={m.status === 'paid' ? 'green' : m.status === 'submitted' ? 'blue' : 'default'}>
                {t(`milestone.${m.status}`)}
              </Tag>
            </span>
            {m.amount && (
              <Typography.Text type="secondary">
                {t('manage.milestonePaid', { amount: formatMoney(m.amount), date: formatDate(m.paidAt) })}
              </Typography.Text>
            )}
            {m.rejectionReason && m.status === 'pending' && (
              <Typography.Text type="danger">
                {t('manage.evidenceRejected', { reason: m.rejectionReason })}
              </Typography.Text>
            )}
          </Flex>
        )}
      />
      {project.phase === 'succeeded' && next?.status === 'pending' && (
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => send.mutate(v.evidence.trim())}
          style={{ marginTop: 12 }}
        >
          <Form.Item
            name="evidence"
            label={t('manage.evidence', { title: next.title })}
            rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
            extra={t('manage.evidenceHint')}
          >
            <Input.TextArea rows={4} maxLength={5000} showCount />
          </Form.Item>
          {send.isError && (
            <div style={{ marginBottom: 12 }}>
              <ErrorAlert error={send.error} />
            </div>
          )}
          <Button type="primary" htmlType="submit" loading={send.isPending}>
            {t('manage.sendEvidence')}
          </Button>
        </Form>
      )}
    </>
  );
}

/** One of the creator's projects: its state and next step, its draft to edit, and once launched its backers. */
export function ManageProject() {
  const { t } = useTranslation('crowdfunding');
  const { id = '' } = useParams();
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ['crowdfunding', 'mine', 'project', id],
    queryFn: () => api.get<Project>(`/v1/crowdfunding/mine/projects/${id}`),
  });
  const launched = (p: Project) => p.phase === 'live' || p.phase === 'succeeded' || p.phase === 'failed';
  return (
    <>
      <PageTitle extra={<Link to="/crowdfunding/mine">{t('nav.projects')}</Link>}>
        {query.data?.title ?? t('manage.title')} {query.data && <PhaseTag phase={query.data.phase} />}
      </PageTitle>
      <QueryView query={query}>
        {(project) => (
          <>
            <StatusNote project={project} />
            {project.phase === 'approved' && <Schedule project={project} />}
            {(project.phase === 'draft' || project.phase === 'changes_requested') && (
              <ProjectEditor key={project.updatedAt} project={project} onSaved={() => invalidate(client)} />
            )}
            {launched(project) && (
              <>
                <Card style={{ marginBottom: 16 }}>
                  <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                    <Descriptions.Item label={t('page.raised')}>
                      <Amount value={project.pledged} strong />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('page.target')}>
                      <Amount value={project.target} />
                    </Descriptions.Item>
                    <Descriptions.Item label={t('page.backers')}>{project.backers}</Descriptions.Item>
                    <Descriptions.Item label={t('page.deadline')}>
                      {formatDate(project.deadlineAt)}
                    </Descriptions.Item>
                    {project.fee && (
                      <Descriptions.Item label={t('manage.fee')}>
                        <Amount value={project.fee} />
                      </Descriptions.Item>
                    )}
                  </Descriptions>
                  <Progress
                    percent={barPercent(project.progress)}
                    format={() => `${project.progress}%`}
                    aria-label={t('card.progressLabel', { percent: project.progress })}
                  />
                  <Link to={`/crowdfunding/projects/${project.id}`}>{t('manage.publicPage')}</Link>
                </Card>
                <Card>
                  <Tabs
                    items={[
                      { key: 'updates', label: t('page.updates'), children: <Updates project={project} /> },
                      { key: 'backers', label: t('manage.backers'), children: <Backers project={project} /> },
                      ...(project.payoutKind === 'milestones'
                        ? [
                            {
                              key: 'milestones',
                              label: t('manage.milestones'),
                              children: <Milestones project={project} />,
                            },
                          ]
                        : []),
                    ]}
                  />
                </Card>
              </>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}
