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
  Progress,
  Radio,
  Tabs,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { errorText } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { BackersTable } from './BackersTable.tsx';
import { ActionModal, CardHeading, PostForm, RefundAction, useRequired } from './forms.tsx';
import { MilestoneList } from './MilestoneList.tsx';
import { PhaseTag } from './MyProjects.tsx';
import { ProjectEditor } from './ProjectEditor.tsx';
import { ProjectUpdates } from './ProjectUpdates.tsx';
import { type Backing, barPercent, type Project, type ShippingRow } from './types.ts';

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
  return (
    <Card title={<CardHeading>{t('manage.launchTitle')}</CardHeading>} style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">
        {t('manage.launchHint', { count: project.durationDays })}
      </Typography.Paragraph>
      <PostForm<{ when: 'now' | 'later'; at?: Dayjs }>
        form={form}
        primary
        button={t('manage.launch')}
        initialValues={{ when: 'now' }}
        submit={(v, key) =>
          api.post<Project>(
            `/v1/crowdfunding/projects/${project.id}/schedule`,
            { launchAt: v.when === 'now' || !v.at ? new Date().toISOString() : v.at.toISOString() },
            key,
          )
        }
        onDone={() => invalidate(client)}
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
      </PostForm>
    </Card>
  );
}

/** Backers (never named: numbered), their rewards and delivery, the addresses of rewards that ship; refunds. */
function Backers({ project }: { project: Project }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const { message } = App.useApp();
  const required = useRequired();
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
  const actions = ({ backing: b }: ShippingRow) =>
    b.status !== 'collected' ? null : (
      <Flex wrap gap={6}>
        {b.tierId && b.delivery === 'pending' && (
          <ActionModal<{ carrier: string; tracking: string }>
            small
            button={t('manage.markShipped')}
            title={t('manage.shipTitle')}
            ok={t('common:action.save')}
            done={t('manage.saved')}
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
        <RefundAction
          small
          backing={b}
          ns="crowdfunding"
          done={t('manage.saved')}
          url={`/v1/crowdfunding/backings/${b.id}/refund`}
        />
      </Flex>
    );
  return rows.isError ? (
    <ErrorAlert error={rows.error} onRetry={() => void rows.refetch()} />
  ) : (
    <BackersTable
      project={project}
      rows={rows.data?.items ?? []}
      loading={rows.isPending}
      addressTitle={t('mine.address')}
      actions={actions}
    />
  );
}

/** The payout plan's milestones: what each pays, and evidence for the next one when the project succeeded. */
function Milestones({ project }: { project: Project }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const required = useRequired();
  const next = project.milestones.find((m) => m.status !== 'paid');
  return (
    <>
      <MilestoneList
        milestones={project.milestones}
        extra={(m) =>
          m.rejectionReason &&
          m.status === 'pending' && (
            <Typography.Text type="danger">
              {t('manage.evidenceRejected', { reason: m.rejectionReason })}
            </Typography.Text>
          )
        }
      />
      {project.phase === 'succeeded' && next?.status === 'pending' && (
        <PostForm<{ evidence: string }>
          primary
          button={t('manage.sendEvidence')}
          style={{ marginTop: 12 }}
          submit={(v, key) =>
            api.post<Project>(
              `/v1/crowdfunding/projects/${project.id}/milestones/submit`,
              { evidence: v.evidence.trim() },
              key,
            )
          }
          onDone={() => invalidate(client)}
        >
          <Form.Item
            name="evidence"
            label={t('manage.evidence', { title: next.title })}
            rules={[required]}
            extra={t('manage.evidenceHint')}
          >
            <Input.TextArea rows={4} maxLength={5000} showCount />
          </Form.Item>
        </PostForm>
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
                    {project.paymentCost && (
                      <Descriptions.Item label={t('manage.paymentCost')}>
                        <Amount value={project.paymentCost} />
                      </Descriptions.Item>
                    )}
                    {project.creatorShare && (
                      <Descriptions.Item label={t('manage.creatorShare')}>
                        <Amount value={project.creatorShare} strong />
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
                      {
                        key: 'updates',
                        label: t('page.updates'),
                        children: <ProjectUpdates project={project} />,
                      },
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
