import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Descriptions, Flex, Form, Input, Row, Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, type Money } from '../../api.ts';
import { Amount, AmountInput, PageTitle, QueryView, useAmountRules } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { BackersTable } from '../crowdfunding/BackersTable.tsx';
import { TierFacts } from '../crowdfunding/BackForm.tsx';
import { EntryList } from '../crowdfunding/EntryList.tsx';
import { ActionModal, CardHeading, RefundAction, useRequired } from '../crowdfunding/forms.tsx';
import { MilestoneList } from '../crowdfunding/MilestoneList.tsx';
import { PhaseTag } from '../crowdfunding/MyProjects.tsx';
import { Story } from '../crowdfunding/story.tsx';
import {
  type Backing,
  type Complaint,
  categoryName,
  type Project,
  type ShippingRow,
} from '../crowdfunding/types.ts';
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

const heading = (text: string) => <CardHeading>{text}</CardHeading>;

function Review({ project }: { project: Project }) {
  const { t } = useTranslation('staffCrowdfunding');
  const required = useRequired();
  const url = `/v1/crowdfunding/staff/projects/${project.id}/review`;
  return (
    <Card title={heading(t('review.title'))}>
      <Typography.Paragraph type="secondary">{t('review.hint')}</Typography.Paragraph>
      <Flex wrap gap={8}>
        <ActionModal<{ note?: string }>
          primary
          done={t('done')}
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
        </ActionModal>
        <ActionModal<{ reason: string }>
          done={t('done')}
          button={t('review.requestChanges')}
          title={t('review.requestChangesTitle')}
          ok={t('review.send')}
          submit={(v, key) => api.post(url, { decision: 'request_changes', reason: v.reason.trim() }, key)}
        >
          <Form.Item name="reason" label={t('review.whatToChange')} rules={[required]}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        </ActionModal>
        <ActionModal<{ code: string; reason: string }>
          danger
          done={t('done')}
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
        </ActionModal>
      </Flex>
    </Card>
  );
}

function MilestoneReview({ project }: { project: Project }) {
  const { t } = useTranslation('staffCrowdfunding');
  const required = useRequired();
  const waiting = project.milestones.find((m) => m.status === 'submitted');
  const url = `/v1/crowdfunding/staff/projects/${project.id}/milestones/review`;
  return (
    <Card title={heading(t('milestones.title'))}>
      <MilestoneList
        milestones={project.milestones}
        extra={(m) => (
          <>
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
          </>
        )}
      />
      {waiting && (
        <Flex wrap gap={8} style={{ marginTop: 8 }}>
          <ActionModal<object>
            primary
            done={t('done')}
            button={t('milestones.confirm')}
            title={t('milestones.confirmTitle', { title: waiting.title })}
            ok={t('milestones.confirm')}
            submit={(_v, key) => api.post(url, { decision: 'confirm' }, key)}
          >
            <Typography.Paragraph>{t('milestones.confirmText')}</Typography.Paragraph>
          </ActionModal>
          <ActionModal<{ reason: string }>
            danger
            done={t('done')}
            button={t('milestones.reject')}
            title={t('milestones.rejectTitle', { title: waiting.title })}
            ok={t('milestones.reject')}
            submit={(v, key) => api.post(url, { decision: 'reject', reason: v.reason.trim() }, key)}
          >
            <Form.Item name="reason" label={t('milestones.rejectReason')} rules={[required]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </ActionModal>
        </Flex>
      )}
    </Card>
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
  const rows = detail.backings.map((backing) => ({
    backing,
    shipping: addressOf.get(backing.id)?.shipping ?? false,
    address: addressOf.get(backing.id)?.address ?? null,
  }));
  return (
    <Card title={heading(t('backings'))}>
      <BackersTable
        project={project}
        rows={rows}
        addressTitle={t('address')}
        highlighted={highlighted}
        mark={(r) =>
          r.backing.id === highlighted ? (
            <Tag color="orange" style={{ marginInlineStart: 6 }}>
              {t('complained')}
            </Tag>
          ) : null
        }
        actions={(r) => (
          <RefundAction
            backing={r.backing}
            ns="staffCrowdfunding"
            done={t('done')}
            url={`/v1/crowdfunding/staff/backings/${r.backing.id}/refund`}
          />
        )}
      />
    </Card>
  );
}

function ProjectComplaints({ project }: { project: Project }) {
  const { t } = useTranslation('staffCrowdfunding');
  const required = useRequired();
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
            <ActionModal<{ resolution: string; refund?: string }>
              done={t('done')}
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
              <Form.Item name="resolution" label={t('resolution')} rules={[required]}>
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
            </ActionModal>
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
