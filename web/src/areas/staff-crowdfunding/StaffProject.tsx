import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, type Money, newKey } from '../../api.ts';
import {
  Amount,
  AmountInput,
  ErrorAlert,
  PageTitle,
  QueryView,
  useAmountRules,
} from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { TierFacts } from '../crowdfunding/BackForm.tsx';
import { BackingStatusTag, DeliveryText } from '../crowdfunding/backing-parts.tsx';
import { EntryList } from '../crowdfunding/EntryList.tsx';
import { PhaseTag } from '../crowdfunding/MyProjects.tsx';
import { Story } from '../crowdfunding/story.tsx';
import {
  type Backing,
  type Complaint,
  categoryName,
  formatShare,
  fromMinor,
  type Project,
  type ShippingRow,
  toMinor,
} from '../crowdfunding/types.ts';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import { ComplaintRefund } from './ComplaintRefund.tsx';
import { RiskAdvice } from './RiskAdvice.tsx';

const REFUSALS = [
  'prohibited_content',
  'creator_not_credible',
  'unrealistic_goal',
  'intellectual_property',
  'insufficient_information',
  'other',
] as const;

interface Detail {
  project: Project;
  backings: Backing[];
  escrow: Money;
}

const heading = (text: string) => <h2 style={{ fontSize: 18, margin: 0 }}>{text}</h2>;

/** A form in a modal, opened by its button; posts, then refreshes crowdfunding's queries. */
function Action<V extends object>({
  button,
  title,
  ok,
  danger,
  primary,
  children,
  submit,
}: {
  button: string;
  title: string;
  ok: string;
  danger?: boolean;
  primary?: boolean;
  children: ReactNode;
  submit: (values: V, key: string) => Promise<unknown>;
}) {
  const { t } = useTranslation('staffCrowdfunding');
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
      void message.success(t('done'));
      void client.invalidateQueries({ queryKey: ['crowdfunding'] });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <>
      <Button type={primary ? 'primary' : 'default'} danger={danger} onClick={() => setOpen(true)}>
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

function Review({ project }: { project: Project }) {
  const { t } = useTranslation('staffCrowdfunding');
  const required = { required: true, whitespace: true, message: t('common:validation.required') };
  const url = `/v1/crowdfunding/staff/projects/${project.id}/review`;
  return (
    <Card title={heading(t('review.title'))}>
      <Typography.Paragraph type="secondary">{t('review.hint')}</Typography.Paragraph>
      <Flex wrap gap={8}>
        <Action<{ note?: string }>
          primary
          button={t('review.approve')}
          title={t('review.approveTitle')}
          ok={t('review.approve')}
          submit={(v, key) =>
            api.post(url, { decision: 'approve', ...(v.note?.trim() ? { note: v.note.trim() } : {}) }, key)
          }
        >
          <Form.Item name="note" label={t('review.note')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Action>
        <Action<{ reason: string }>
          button={t('review.requestChanges')}
          title={t('review.requestChangesTitle')}
          ok={t('review.send')}
          submit={(v, key) => api.post(url, { decision: 'request_changes', reason: v.reason.trim() }, key)}
        >
          <Form.Item name="reason" label={t('review.whatToChange')} rules={[required]}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        </Action>
        <Action<{ code: string; reason: string }>
          danger
          button={t('review.refuse')}
          title={t('review.refuseTitle')}
          ok={t('review.refuse')}
          submit={(v, key) =>
            api.post(url, { decision: 'refuse', code: v.code, reason: v.reason.trim() }, key)
          }
        >
          <Form.Item
            name="code"
            label={t('review.refusalReason')}
            rules={[{ required: true, message: t('common:validation.required') }]}
          >
            <Select
              options={REFUSALS.map((code) => ({ value: code, label: t(`crowdfunding:refusal.${code}`) }))}
            />
          </Form.Item>
          <Form.Item name="reason" label={t('review.refusalText')} rules={[required]}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        </Action>
      </Flex>
    </Card>
  );
}

function MilestoneReview({ project }: { project: Project }) {
  const { t } = useTranslation('staffCrowdfunding');
  const waiting = project.milestones.find((m) => m.status === 'submitted');
  const url = `/v1/crowdfunding/staff/projects/${project.id}/milestones/review`;
  return (
    <Card title={heading(t('milestones.title'))}>
      <EntryList
        items={project.milestones}
        keyOf={(m) => m.id}
        render={(m) => (
          <Flex vertical gap={2}>
            <span>
              <Typography.Text strong>{m.title}</Typography.Text> · {formatShare(m.share)}{' '}
              <Tag color={m.status === 'paid' ? 'green' : m.status === 'submitted' ? 'blue' : 'default'}>
                {t(`crowdfunding:milestone.${m.status}`)}
              </Tag>
            </span>
            {m.amount && (
              <Typography.Text type="secondary">
                {t('milestones.paid', { amount: formatMoney(m.amount), date: formatDate(m.paidAt) })}
              </Typography.Text>
            )}
            {m.evidence && m.status === 'submitted' && (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                {t('milestones.evidence')}: {m.evidence}
              </Typography.Paragraph>
            )}
            {m.rejectionReason && m.status === 'pending' && (
              <Typography.Text type="secondary">
                {t('milestones.rejected', { reason: m.rejectionReason })}
              </Typography.Text>
            )}
          </Flex>
        )}
      />
      {waiting && (
        <Flex wrap gap={8} style={{ marginTop: 8 }}>
          <Action<object>
            primary
            button={t('milestones.confirm')}
            title={t('milestones.confirmTitle', { title: waiting.title })}
            ok={t('milestones.confirm')}
            submit={(_v, key) => api.post(url, { decision: 'confirm' }, key)}
          >
            <Typography.Paragraph>{t('milestones.confirmText')}</Typography.Paragraph>
          </Action>
          <Action<{ reason: string }>
            danger
            button={t('milestones.reject')}
            title={t('milestones.rejectTitle', { title: waiting.title })}
            ok={t('milestones.reject')}
            submit={(v, key) => api.post(url, { decision: 'reject', reason: v.reason.trim() }, key)}
          >
            <Form.Item
              name="reason"
              label={t('milestones.rejectReason')}
              rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
            >
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </Action>
        </Flex>
      )}
    </Card>
  );
}

function RefundAction({ backing }: { backing: Backing }) {
  const { t } = useTranslation('staffCrowdfunding');
  const amountRules = useAmountRules();
  const left = toMinor(backing.amount.amount) - toMinor(backing.refunded.amount);
  if (backing.status !== 'collected' || left <= 0n) return null;
  return (
    <Action<{ amount: string; reason: string }>
      danger
      button={t('refund.button')}
      title={t('refund.title')}
      ok={t('refund.ok')}
      submit={(v, key) =>
        api.post(
          `/v1/crowdfunding/staff/backings/${backing.id}/refund`,
          { amount: { amount: v.amount, currency: 'CNY' }, reason: v.reason.trim() },
          key,
        )
      }
    >
      <Typography.Paragraph type="secondary">
        {t('refund.hint', { amount: formatMoney({ amount: fromMinor(left), currency: 'CNY' }) })}
      </Typography.Paragraph>
      <Form.Item name="amount" label={t('refund.amount')} rules={amountRules} initialValue={fromMinor(left)}>
        <AmountInput />
      </Form.Item>
      <Form.Item
        name="reason"
        label={t('refund.reason')}
        rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
      >
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
    </Action>
  );
}

function Backings({ project, detail }: { project: Project; detail: Detail }) {
  const { t } = useTranslation('staffCrowdfunding');
  const [params] = useSearchParams();
  const highlighted = params.get('backing');
  const shipping = useQuery({
    queryKey: ['crowdfunding', 'staff', 'shipping', project.id],
    queryFn: () =>
      api.get<{ items: ShippingRow[] }>(`/v1/crowdfunding/staff/projects/${project.id}/shipping`),
  });
  const addressOf = new Map((shipping.data?.items ?? []).map((r) => [r.backing.id, r]));
  const ordered = [...detail.backings].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const number = new Map(ordered.map((b, i) => [b.id, i + 1]));
  const columns: ColumnsType<Backing> = [
    {
      title: t('backer'),
      key: 'backer',
      render: (_v, b) => (
        <span>
          {t('backerN', { n: number.get(b.id) })}
          {b.id === highlighted ? (
            <Tag color="orange" style={{ marginInlineStart: 6 }}>
              {t('complained')}
            </Tag>
          ) : null}
        </span>
      ),
    },
    { title: t('backedOn'), key: 'date', render: (_v, b) => formatDate(b.createdAt) },
    {
      title: t('reward'),
      key: 'reward',
      render: (_v, b) =>
        project.tiers.find((x) => x.id === b.tierId)?.title ?? t('crowdfunding:back.noReward'),
    },
    { title: t('amount'), key: 'amount', align: 'right', render: (_v, b) => <Amount value={b.amount} /> },
    { title: t('status'), key: 'status', render: (_v, b) => <BackingStatusTag backing={b} /> },
    {
      title: t('delivery'),
      key: 'delivery',
      render: (_v, b) => (b.tierId ? <DeliveryText backing={b} /> : '—'),
    },
    {
      title: t('address'),
      key: 'address',
      render: (_v, b) => {
        const row = addressOf.get(b.id);
        if (!row?.shipping) return t('noShipping');
        if (!row.address) return t('crowdfunding:address.missing');
        return `${row.address.name} ${row.address.phone} ${row.address.address}`;
      },
    },
    {
      title: t('actions'),
      key: 'actions',
      render: (_v, b) =>
        b.status === 'collected' && toMinor(b.refunded.amount) < toMinor(b.amount.amount) ? (
          <RefundAction backing={b} />
        ) : (
          '—'
        ),
    },
  ];
  return (
    <Card title={heading(t('backings'))}>
      <ResponsiveTable<Backing>
        label={t('backings')}
        actionKeys={['actions']}
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={ordered}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        rowClassName={(b) => (b.id === highlighted ? 'ant-table-row-selected' : '')}
      />
    </Card>
  );
}

function ProjectComplaints({ project }: { project: Project }) {
  const { t } = useTranslation('staffCrowdfunding');
  const optionalAmount = useAmountRules('CNY', { required: false });
  const complaints = useQuery({
    queryKey: ['crowdfunding', 'staff', 'complaints', 'all'],
    queryFn: () => api.get<{ items: Complaint[] }>('/v1/crowdfunding/staff/complaints'),
  });
  const mine = (complaints.data?.items ?? []).filter((c) => c.projectId === project.id);
  if (mine.length === 0) return null;
  return (
    <Card title={heading(t('tab.complaints'))} id="complaints">
      <EntryList
        items={mine}
        keyOf={(c) => c.id}
        actions={(c) =>
          c.status === 'open' ? (
            <Action<{ resolution: string; refund?: string }>
              button={t('resolve.button')}
              title={t('resolve.title')}
              ok={t('resolve.ok')}
              submit={(v, key) =>
                api.post(
                  `/v1/crowdfunding/staff/complaints/${c.id}/resolve`,
                  {
                    resolution: v.resolution.trim(),
                    ...(v.refund ? { refund: { amount: { amount: v.refund, currency: 'CNY' } } } : {}),
                  },
                  key,
                )
              }
            >
              <Typography.Paragraph type="secondary">{t('resolve.hint')}</Typography.Paragraph>
              <Form.Item
                name="resolution"
                label={t('resolution')}
                rules={[{ required: true, whitespace: true, message: t('common:validation.required') }]}
              >
                <Input.TextArea rows={3} maxLength={5000} />
              </Form.Item>
              <Form.Item
                name="refund"
                label={t('resolve.refund')}
                rules={optionalAmount}
                extra={t('resolve.refundHint')}
              >
                <AmountInput />
              </Form.Item>
            </Action>
          ) : null
        }
        render={(c) => (
          <Flex vertical gap={2}>
            <span>
              <Tag color={c.status === 'open' ? 'orange' : 'green'}>{t(`complaintStatus.${c.status}`)}</Tag>
              {formatDate(c.createdAt)}
            </span>
            <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{c.text}</Typography.Text>
            {c.resolution && (
              <Typography.Text type="secondary">{t('resolvedWith', { text: c.resolution })}</Typography.Text>
            )}
            <ComplaintRefund complaint={c} />
          </Flex>
        )}
      />
    </Card>
  );
}

/** One project for staff: the creator's risk view, the review, milestones, backings, refunds, complaints. */
export function StaffProject() {
  const { t } = useTranslation('staffCrowdfunding');
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: ['crowdfunding', 'staff', 'project', id],
    queryFn: () => api.get<Detail>(`/v1/crowdfunding/staff/projects/${id}`),
  });
  return (
    <>
      <PageTitle extra={<Link to="/staff/crowdfunding">{t('backToQueue')}</Link>}>
        {query.data?.project.title ?? t('title')}{' '}
        {query.data && <PhaseTag phase={query.data.project.phase} />}
      </PageTitle>
      <QueryView query={query}>
        {(detail) => {
          const { project } = detail;
          return (
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={15}>
                <Flex vertical gap={16}>
                  {project.status === 'submitted' && <Review project={project} />}
                  {project.reviewNote && project.status !== 'submitted' && (
                    <Alert
                      type={project.status === 'refused' ? 'error' : 'info'}
                      showIcon
                      title={
                        project.refusalCode
                          ? t('refusedFor', { reason: t(`crowdfunding:refusal.${project.refusalCode}`) })
                          : t('reviewNote')
                      }
                      description={project.reviewNote}
                    />
                  )}
                  <Card title={heading(t('facts'))}>
                    <Descriptions size="small" column={{ xs: 1, md: 2 }}>
                      <Descriptions.Item label={t('category')}>
                        {categoryName(project.category)}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('target')}>
                        <Amount value={project.target} />
                      </Descriptions.Item>
                      <Descriptions.Item label={t('duration')}>
                        {t('durationDays', { count: project.durationDays })}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('payout')}>
                        {project.payoutKind === 'all'
                          ? t('crowdfunding:payout.all')
                          : t('crowdfunding:payout.milestones')}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('submittedAt')}>
                        {formatDate(project.submittedAt)}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('launch')}>
                        {formatDate(project.launchAt)}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('deadline')}>
                        {formatDate(project.deadlineAt)}
                      </Descriptions.Item>
                      <Descriptions.Item label={t('raised')}>
                        <Amount value={project.pledged} /> ({project.progress}%)
                      </Descriptions.Item>
                      <Descriptions.Item label={t('backersCount')}>{project.backers}</Descriptions.Item>
                      <Descriptions.Item label={t('escrow')}>
                        <Amount value={detail.escrow} />
                      </Descriptions.Item>
                      {project.fee && (
                        <Descriptions.Item label={t('fee')}>
                          <Amount value={project.fee} />
                        </Descriptions.Item>
                      )}
                    </Descriptions>
                  </Card>
                  <Card title={heading(t('story'))}>
                    <Story html={project.story} />
                    {project.images.length > 0 && (
                      <>
                        <Typography.Text strong>{t('images')}</Typography.Text>
                        <ul>
                          {project.images.map((src) => (
                            <li key={src}>
                              <a href={src} target="_blank" rel="noopener noreferrer nofollow">
                                {src}
                              </a>
                            </li>
                          ))}
                        </ul>
                      </>
                    )}
                  </Card>
                  {detail.backings.length > 0 && <Backings project={project} detail={detail} />}
                  <ProjectComplaints project={project} />
                </Flex>
              </Col>
              <Col xs={24} lg={9}>
                <Flex vertical gap={16}>
                  <RiskAdvice risk={project.risk} />
                  {project.payoutKind === 'milestones' && <MilestoneReview project={project} />}
                  <Card title={heading(t('tiers'))}>
                    {project.tiers.length === 0 ? (
                      t('noTiers')
                    ) : (
                      <Flex vertical gap={12}>
                        {project.tiers.map((tier) => (
                          <div key={tier.id}>
                            <Typography.Text strong>{tier.title}</Typography.Text> ·{' '}
                            <Amount value={tier.price} />
                            <TierFacts tier={tier} />
                          </div>
                        ))}
                      </Flex>
                    )}
                  </Card>
                </Flex>
              </Col>
            </Row>
          );
        }}
      </QueryView>
    </>
  );
}
