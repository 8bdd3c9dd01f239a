import { useQueries, useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Empty, Flex, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { Amount, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import {
  AddressButton,
  BackingStatusTag,
  CancelBacking,
  ComplainButton,
  DeliveryText,
  failureText,
} from './backing-parts.tsx';
import { type Backing, type Complaint, formatMonth, type ProjectPage } from './types.ts';

/** The backer's complaints about one backing: what they wrote, the answer, and a refund if any. */
function BackingComplaints({ complaints }: { complaints: Complaint[] }) {
  const { t } = useTranslation('crowdfunding');
  if (complaints.length === 0) return null;
  return (
    <section style={{ marginTop: 12 }}>
      <Typography.Text strong>{t('complaint.mine')}</Typography.Text>
      <ul style={{ listStyle: 'none', padding: 0, margin: '4px 0 0' }}>
        {complaints.map((c) => (
          <li key={c.id} style={{ marginBottom: 8 }}>
            <Flex vertical gap={2}>
              <span>
                <Tag color={c.status === 'open' ? 'orange' : 'green'}>
                  {t(`complaint.status.${c.status}`)}
                </Tag>
                <Typography.Text type="secondary">
                  {t('complaint.sentOn', { date: formatDate(c.createdAt) })}
                </Typography.Text>
              </span>
              <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{c.text}</Typography.Text>
              {c.resolution && (
                <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>
                  {t('complaint.answer', { text: c.resolution })}
                </Typography.Text>
              )}
              {c.refund && (
                <Typography.Text type="success">
                  {t('complaint.refunded', {
                    amount: formatMoney(c.refund.amount),
                    date: formatDate(c.refund.createdAt),
                  })}
                </Typography.Text>
              )}
            </Flex>
          </li>
        ))}
      </ul>
    </section>
  );
}

function BackingCard({
  backing,
  page,
  complaints,
}: {
  backing: Backing;
  page: ProjectPage | undefined;
  complaints: Complaint[];
}) {
  const { t } = useTranslation('crowdfunding');
  const tier = page?.project.tiers.find((x) => x.id === backing.tierId);
  const active = backing.status === 'held' || backing.status === 'collected';
  const title = page?.project.title ?? t('mine.project');
  return (
    <Card
      size="small"
      title={
        <Link to={`/crowdfunding/projects/${backing.projectId}`} style={{ whiteSpace: 'normal' }}>
          {title}
        </Link>
      }
      extra={<BackingStatusTag backing={backing} />}
    >
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('mine.amount')}>
          <Amount value={backing.amount} strong />
        </Descriptions.Item>
        <Descriptions.Item label={t('mine.reward')}>
          {tier ? tier.title : t('back.noReward')}
        </Descriptions.Item>
        <Descriptions.Item label={t('mine.backedOn')}>{formatDate(backing.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('mine.status')}>{t(`backingHint.${backing.status}`)}</Descriptions.Item>
        <Descriptions.Item label={t('mine.paidBy')}>
          {backing.paymentOrderId ? t('mine.byCard') : t('mine.byWallet')}
        </Descriptions.Item>
        {backing.failureReason && (
          <Descriptions.Item label={t('mine.why')}>{failureText(backing)}</Descriptions.Item>
        )}
        {backing.settledOn && (
          <Descriptions.Item label={t('mine.settledOn')}>{formatDate(backing.settledOn)}</Descriptions.Item>
        )}
        {tier && active && (
          <Descriptions.Item label={t('mine.delivery')}>
            <DeliveryText backing={backing} />
            {` (${t('mine.expected', { month: formatMonth(tier.deliveryMonth) })})`}
          </Descriptions.Item>
        )}
        {tier?.shipping && active && (
          <Descriptions.Item label={t('mine.address')}>
            {backing.hasAddress ? t('address.given') : t('address.missing')}
          </Descriptions.Item>
        )}
      </Descriptions>
      <Flex wrap gap={8} style={{ marginTop: 8 }} align="center">
        <CancelBacking backing={backing} page={page} />
        {tier?.shipping && active && backing.delivery === 'pending' && <AddressButton backing={backing} />}
        {active && <ComplainButton backing={backing} />}
        {active && (
          <Link to={`/crowdfunding/projects/${backing.projectId}#comments`}>{t('mine.comment')}</Link>
        )}
      </Flex>
      <BackingComplaints complaints={complaints} />
    </Card>
  );
}

/** The customer's backings, newest first: what is held or charged, cancel, address, delivery, complaint. */
export function MyBackings() {
  const { t } = useTranslation('crowdfunding');
  const backings = useQuery({
    queryKey: ['crowdfunding', 'backings', 'mine'],
    queryFn: () => api.get<{ items: Backing[] }>('/v1/crowdfunding/mine/backings'),
    // A backing by card waits for the channel's answer: polled until it comes, as top-ups are.
    refetchInterval: (query) =>
      query.state.data?.items.some((b) => b.status === 'awaiting_payment') ? 1500 : false,
  });
  const ids = [...new Set((backings.data?.items ?? []).map((b) => b.projectId))];
  const pages = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['crowdfunding', 'project', id],
      queryFn: () => api.get<ProjectPage>(`/v1/crowdfunding/projects/${id}`),
    })),
  });
  const pageOf = (id: string) => pages[ids.indexOf(id)]?.data;
  const complaints = useQuery({
    queryKey: ['crowdfunding', 'complaints', 'mine'],
    queryFn: () => api.get<{ items: Complaint[] }>('/v1/crowdfunding/mine/complaints'),
  });
  const complaintsOf = (backingId: string) =>
    (complaints.data?.items ?? []).filter((c) => c.backingId === backingId);
  return (
    <>
      <PageTitle extra={<Link to="/crowdfunding">{t('mine.discover')}</Link>}>{t('nav.backings')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('mine.intro')}</Typography.Paragraph>
      <QueryView query={backings}>
        {(data) =>
          data.items.length === 0 ? (
            <Empty description={t('mine.none')} />
          ) : (
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              {data.items.map((backing) => (
                <BackingCard
                  key={backing.id}
                  backing={backing}
                  page={pageOf(backing.projectId)}
                  complaints={complaintsOf(backing.id)}
                />
              ))}
            </Space>
          )
        }
      </QueryView>
    </>
  );
}
