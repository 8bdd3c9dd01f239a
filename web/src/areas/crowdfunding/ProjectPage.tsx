import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Form,
  Input,
  Progress,
  Row,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { isCustomer, useMe } from '../../session.tsx';
import { BackForm, TierFacts } from './BackForm.tsx';
import { BackingStatusTag, CancelBacking } from './backing-parts.tsx';
import { EntryList, QueryEntries } from './EntryList.tsx';
import { CardHeading, PostForm, useRequired } from './forms.tsx';
import { Cover, TimeLeft } from './ProjectCard.tsx';
import { Story } from './story.tsx';
import {
  barPercent,
  categoryName,
  type Entry,
  formatShare,
  type ProjectPage as Page,
  type PublicProject,
  useProjectPage,
  useUpdates,
} from './types.ts';

/** The project's figures: raised of target, backers, time left, deadline, payout plan. */
function Figures({ project }: { project: PublicProject }) {
  const { t } = useTranslation('crowdfunding');
  return (
    <Card>
      <Typography.Text type="secondary" style={{ display: 'block' }}>
        {t('page.raised')}
      </Typography.Text>
      <Typography.Text strong style={{ fontSize: 28 }} data-testid="cf-pledged">
        <Amount value={project.pledged} />
      </Typography.Text>
      <Progress
        percent={barPercent(project.progress)}
        aria-label={t('card.progressLabel', { percent: project.progress })}
        format={() => `${project.progress}%`}
      />
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('page.target')}>
          <Amount value={project.target} />
        </Descriptions.Item>
        <Descriptions.Item label={t('page.backers')}>
          <span data-testid="cf-backers">{project.backers}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('page.timeLeft')}>
          <TimeLeft project={project} />
        </Descriptions.Item>
        <Descriptions.Item label={t('page.deadline')}>{formatDate(project.deadlineAt)}</Descriptions.Item>
        <Descriptions.Item label={t('page.payout')}>
          {project.payoutKind === 'all' ? t('payout.all') : t('payout.milestones')}
        </Descriptions.Item>
      </Descriptions>
      {project.payoutKind === 'milestones' && (
        <ol style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
          {project.milestones.map((m) => (
            <li key={m.position}>
              {m.title} · {formatShare(m.share)} · {t(`milestone.${m.status}`)}
            </li>
          ))}
        </ol>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('page.allOrNothing')}
      </Typography.Paragraph>
    </Card>
  );
}

function Updates({ projectId }: { projectId: string }) {
  const { t } = useTranslation('crowdfunding');
  const updates = useUpdates(projectId);
  return (
    <Card title={<CardHeading>{t('page.updates')}</CardHeading>} id="updates">
      <QueryEntries
        query={updates}
        empty={t('page.noUpdates')}
        keyOf={(update) => update.id}
        render={(update) => (
          <>
            <Typography.Title level={3} style={{ fontSize: 16, marginTop: 0 }}>
              {update.title}
            </Typography.Title>
            <Typography.Text type="secondary">{formatDate(update.createdAt)}</Typography.Text>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 8 }}>
              {update.body}
            </Typography.Paragraph>
          </>
        )}
      />
    </Card>
  );
}

function Comments({ projectId, canComment }: { projectId: string; canComment: boolean }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const required = useRequired();
  const comments = useQuery({
    queryKey: ['crowdfunding', 'comments', projectId],
    queryFn: () => api.get<{ items: Entry[] }>(`/v1/crowdfunding/projects/${projectId}/comments`),
  });
  return (
    <Card title={<CardHeading>{t('page.comments')}</CardHeading>} id="comments">
      {canComment && (
        <PostForm<{ body: string }>
          button={t('page.postComment')}
          submit={(v, key) =>
            api.post<Entry>(`/v1/crowdfunding/projects/${projectId}/comments`, { body: v.body.trim() }, key)
          }
          onDone={() => void client.invalidateQueries({ queryKey: ['crowdfunding', 'comments', projectId] })}
        >
          <Form.Item name="body" label={t('page.yourComment')} rules={[required]}>
            <Input.TextArea rows={3} maxLength={2000} showCount />
          </Form.Item>
        </PostForm>
      )}
      <QueryEntries
        query={comments}
        empty={t('page.noComments')}
        marginTop={12}
        keyOf={(comment) => comment.id}
        render={(comment) => (
          <>
            <Typography.Text strong>{t('page.aBacker')}</Typography.Text>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0' }}>
              {comment.body}
            </Typography.Paragraph>
            <Typography.Text type="secondary">{formatDate(comment.createdAt)}</Typography.Text>
          </>
        )}
      />
    </Card>
  );
}

function Tiers({ page, onChoose }: { page: Page; onChoose?: (tierId: string) => void }) {
  const { t } = useTranslation('crowdfunding');
  const { project } = page;
  return (
    <Card title={<CardHeading>{t('page.rewards')}</CardHeading>}>
      {project.tiers.length === 0 ? (
        <Typography.Text type="secondary">{t('page.noRewards')}</Typography.Text>
      ) : (
        <Flex vertical gap={16}>
          {project.tiers.map((tier) => (
            <div key={tier.id}>
              <Flex justify="space-between" align="baseline" gap={8} wrap>
                <Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>
                  {tier.title}
                </Typography.Title>
                <Typography.Text strong>
                  <Amount value={tier.price} />
                </Typography.Text>
              </Flex>
              <TierFacts tier={tier} />
              {onChoose && project.phase === 'live' && tier.remaining !== 0 && (
                <Button
                  size="small"
                  style={{ marginTop: 6 }}
                  onClick={() => {
                    onChoose(tier.id);
                    document.getElementById('back')?.scrollIntoView({ behavior: 'smooth' });
                  }}
                  aria-label={t('page.chooseTier', { title: tier.title })}
                >
                  {t('page.choose')}
                </Button>
              )}
            </div>
          ))}
        </Flex>
      )}
    </Card>
  );
}

/** What the signed-in backer holds on this project, with a cancel while it is allowed. */
function YourBackings({ page }: { page: Page }) {
  const { t } = useTranslation('crowdfunding');
  if (page.yourBackings.length === 0) return null;
  return (
    <Card title={<CardHeading>{t('page.yourBackings')}</CardHeading>}>
      <EntryList
        items={page.yourBackings}
        keyOf={(backing) => backing.id}
        actions={(backing) => <CancelBacking backing={backing} page={page} />}
        render={(backing) => {
          const tier = page.project.tiers.find((x) => x.id === backing.tierId);
          return (
            <Flex vertical gap={2}>
              <span>
                <Amount value={backing.amount} strong /> · {tier ? tier.title : t('back.noReward')}
              </span>
              <span>
                <BackingStatusTag backing={backing} /> {formatDate(backing.createdAt)}
              </span>
            </Flex>
          );
        }}
      />
      <Link to="/crowdfunding/backings">{t('nav.backings')}</Link>
    </Card>
  );
}

/** A launched project's page: story, rewards, progress, updates, comments, and backing it. */
export function ProjectPage() {
  const { t } = useTranslation('crowdfunding');
  const { id = '' } = useParams();
  const location = useLocation();
  const me = useMe().data ?? null;
  const query = useProjectPage(id);
  const [chosen, setChosen] = useState<string | undefined>();
  const signIn = `/sign-in?next=${encodeURIComponent(location.pathname)}`;
  return (
    <>
      <PageTitle extra={<Link to="/crowdfunding">{t('page.backToList')}</Link>}>
        {query.data?.project.title ?? t('page.title')}
      </PageTitle>
      <QueryView query={query}>
        {(page) => {
          const { project } = page;
          const backs = page.yourBackings.some((b) => b.status === 'held' || b.status === 'collected');
          return (
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={15}>
                <Flex vertical gap={16}>
                  <Card cover={<Cover project={project} height={280} />} size="small">
                    <Flex wrap gap={8}>
                      <Tag>{categoryName(project.category)}</Tag>
                      <Tag
                        color={
                          project.phase === 'live'
                            ? 'blue'
                            : project.phase === 'succeeded'
                              ? 'green'
                              : 'default'
                        }
                      >
                        {t(`phase.${project.phase}`)}
                      </Tag>
                      {project.launchAt && (
                        <Typography.Text type="secondary">
                          {t('page.launched', { date: formatDate(project.launchAt) })}
                        </Typography.Text>
                      )}
                    </Flex>
                  </Card>
                  <Card title={<CardHeading>{t('page.story')}</CardHeading>}>
                    <Story html={project.story} />
                    {project.images.length > 1 && (
                      <Flex wrap gap={8} style={{ marginTop: 12 }}>
                        {project.images.slice(1).map((src, i) => (
                          <img
                            key={src}
                            src={src}
                            alt={t('page.imageOf', { n: i + 2, title: project.title })}
                            loading="lazy"
                            referrerPolicy="no-referrer"
                            style={{ maxWidth: '100%', maxHeight: 240, borderRadius: 8 }}
                          />
                        ))}
                      </Flex>
                    )}
                  </Card>
                  <Updates projectId={project.id} />
                  <Comments projectId={project.id} canComment={backs} />
                </Flex>
              </Col>
              <Col xs={24} lg={9}>
                <Flex vertical gap={16}>
                  <Figures project={project} />
                  {me && isCustomer(me) ? (
                    <BackForm project={project} me={me} chosen={chosen} onChoose={setChosen} />
                  ) : !me && project.phase === 'live' ? (
                    <Card>
                      <Typography.Paragraph>{t('page.signInToBack')}</Typography.Paragraph>
                      <Link to={signIn}>
                        <Button type="primary" block>
                          {t('page.backThis')}
                        </Button>
                      </Link>
                    </Card>
                  ) : project.phase !== 'live' ? (
                    <Alert type="info" showIcon title={t('back.closed')} />
                  ) : null}
                  <YourBackings page={page} />
                  <Tiers page={page} onChoose={me && isCustomer(me) ? setChosen : undefined} />
                </Flex>
              </Col>
            </Row>
          );
        }}
      </QueryView>
    </>
  );
}
