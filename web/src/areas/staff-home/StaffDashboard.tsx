import { useQuery } from '@tanstack/react-query';
import { Card, Col, Flex, Row, Space, Statistic, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Role } from '../../../../src/identity/roles.ts';
import { api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, PageTitle, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { can, type Me, useMe } from '../../session.tsx';
import { Dashboard } from '../staff-ops/Dashboard.tsx';

/** The most a list endpoint returns at once: a count of a full page reads "200+". */
const PAGE = 200;

/** One figure on a card: its title, the value (money through Amount), a line under it, a link. */
function Figure({
  title,
  value,
  note,
  link,
  loading,
  testId,
}: {
  title: string;
  value: ReactNode;
  note?: ReactNode;
  link?: { to: string; label: string };
  loading?: boolean;
  testId?: string;
}) {
  return (
    <Card size="small" loading={loading} style={{ height: '100%' }} data-testid={testId}>
      <Statistic title={title} valueRender={() => value} />
      {note ? (
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
          {note}
        </Typography.Paragraph>
      ) : null}
      {link ? (
        <Link to={link.to} style={{ display: 'inline-block', marginTop: 8 }}>
          {link.label}
        </Link>
      ) : null}
    </Card>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} style={{ marginTop: 24 }}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Row gutter={[16, 16]}>{children}</Row>
    </section>
  );
}

/** How many items a list endpoint has (up to a page), and whether there may be more. */
function useCount(key: string, url: string, params: Record<string, string | number>, paged = true) {
  const query = useQuery({
    queryKey: ['staff-home', key, params],
    queryFn: () => api.get<{ items: unknown[] }>(url, paged ? { ...params, limit: PAGE } : params),
  });
  return { query, count: query.data?.items.length, full: (query.data?.items.length ?? 0) >= PAGE };
}

function CountText({ count, full }: { count: number | undefined; full: boolean }) {
  const { t } = useTranslation('staffHome');
  if (count === undefined) return <>—</>;
  return <>{full ? t('atLeast', { count }) : count}</>;
}

interface CollectionsSummary {
  businessDate: string;
  scope: 'me' | 'team';
  openCases: { stage: string; count: number; overdueAmount: Money }[];
  promisesDueToday: { count: number; amount: Money };
  promises30d: { kept: number; broken: number; keptRate: string | null };
  casesTouchedToday: number;
}

/** Sums decimal strings exactly (integer cents). */
function sumMoney(values: Money[]): Money {
  let cents = 0n;
  for (const v of values) {
    const [whole = '0', fraction = ''] = v.amount.split('.');
    cents += BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  }
  return { amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`, currency: 'CNY' };
}

function CollectionsCards({ me }: { me: Me }) {
  const { t } = useTranslation('staffHome');
  const scope = can(me, 'collections:supervise') ? 'team' : 'me';
  const summary = useQuery({
    queryKey: ['staff-home', 'collections', scope],
    queryFn: () => api.get<CollectionsSummary>('/v1/collections/summary', { scope }),
  });
  const s = summary.data;
  const open = s ? s.openCases.reduce((n, c) => n + c.count, 0) : undefined;
  return (
    <Section title={scope === 'team' ? t('collections.team') : t('collections.mine')}>
      {summary.isError && (
        <Col span={24}>
          <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />
        </Col>
      )}
      <Col xs={24} md={12} lg={6}>
        <Figure
          testId="collections-open"
          loading={summary.isPending}
          title={t('collections.openCases')}
          value={open ?? '—'}
          note={
            s && s.openCases.length > 0
              ? t('collections.overdue', {
                  amount: formatMoney(sumMoney(s.openCases.map((c) => c.overdueAmount))),
                })
              : t('collections.noCases')
          }
          link={{ to: '/staff/collections', label: t('collections.queue') }}
        />
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Figure
          loading={summary.isPending}
          title={t('collections.byStage')}
          value={
            <Flex vertical gap={2} style={{ fontSize: 14 }}>
              {s?.openCases.length
                ? s.openCases.map((c) => (
                    <span key={c.stage}>
                      {t('collections.stageCases', {
                        stage: c.stage,
                        count: c.count,
                        amount: formatMoney(c.overdueAmount),
                      })}
                    </span>
                  ))
                : t('collections.noCases')}
            </Flex>
          }
        />
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Figure
          testId="collections-due"
          loading={summary.isPending}
          title={t('collections.dueToday')}
          value={<Amount value={s?.promisesDueToday.amount} strong />}
          note={s ? t('collections.dueTodayHint', { count: s.promisesDueToday.count }) : undefined}
        />
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Figure
          loading={summary.isPending}
          title={t('collections.keptRate')}
          value={s?.promises30d.keptRate ? <Rate value={s.promises30d.keptRate} /> : '—'}
          note={
            s
              ? s.promises30d.keptRate
                ? t('collections.keptHint', s.promises30d)
                : t('collections.noPromises')
              : undefined
          }
        />
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Figure
          loading={summary.isPending}
          title={t('collections.touched')}
          value={s?.casesTouchedToday ?? '—'}
        />
      </Col>
    </Section>
  );
}

interface Flow {
  count: number;
  amount: Money;
  byChannel: { channel: string; count: number; amount: Money }[];
}
interface DaySummary {
  businessDate: string;
  topUps: Flow;
  withdrawals: Flow;
  pending: { count: number; amount: Money };
  exceptions: { open: number; amount: Money };
}

function FinanceCards() {
  const { t } = useTranslation('staffHome');
  const summary = useQuery({
    queryKey: ['staff-home', 'finance'],
    queryFn: () => api.get<DaySummary>('/v1/finance/day-summary'),
  });
  const s = summary.data;
  const channels = s
    ? [...new Set([...s.topUps.byChannel, ...s.withdrawals.byChannel].map((c) => c.channel))]
    : [];
  const zero: Money = { amount: '0.00', currency: 'CNY' };
  return (
    <Section title={t('finance.title')}>
      {summary.isError && (
        <Col span={24}>
          <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />
        </Col>
      )}
      <Col xs={24} md={12} lg={6}>
        <Figure
          testId="finance-in"
          loading={summary.isPending}
          title={t('finance.moneyIn')}
          value={<Amount value={s?.topUps.amount} strong />}
          note={s ? t('finance.orders', { count: s.topUps.count }) : undefined}
        />
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Figure
          testId="finance-out"
          loading={summary.isPending}
          title={t('finance.moneyOut')}
          value={<Amount value={s?.withdrawals.amount} strong />}
          note={s ? t('finance.orders', { count: s.withdrawals.count }) : undefined}
        />
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Figure
          loading={summary.isPending}
          title={t('finance.byChannel')}
          value={
            <Flex vertical gap={2} style={{ fontSize: 14 }}>
              {channels.length && s
                ? channels.map((channel) => {
                    const into = s.topUps.byChannel.find((c) => c.channel === channel);
                    const out = s.withdrawals.byChannel.find((c) => c.channel === channel);
                    return (
                      <span key={channel}>
                        {t('finance.channelLine', {
                          channel: t(`channels.${channel}`, { defaultValue: channel }),
                          in: formatMoney(into?.amount ?? zero),
                          inCount: into?.count ?? 0,
                          out: formatMoney(out?.amount ?? zero),
                          outCount: out?.count ?? 0,
                        })}
                      </span>
                    );
                  })
                : t('finance.noChannel')}
            </Flex>
          }
          note={
            s && s.pending.count > 0
              ? t('finance.pending', { count: s.pending.count, amount: formatMoney(s.pending.amount) })
              : undefined
          }
        />
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Figure
          testId="finance-exceptions"
          loading={summary.isPending}
          title={t('finance.exceptions')}
          value={
            <Amount value={s?.exceptions.amount} strong type={s?.exceptions.open ? 'danger' : undefined} />
          }
          note={
            s
              ? t('finance.exceptionsHint', {
                  count: s.exceptions.open,
                  amount: formatMoney(s.exceptions.amount),
                })
              : undefined
          }
          link={{ to: '/staff/finance', label: t('finance.page') }}
        />
      </Col>
    </Section>
  );
}

function age(since: string, t: (key: string, options?: Record<string, unknown>) => string): string {
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 60_000));
  const hours = Math.floor(minutes / 60);
  if (hours < 1) return t('risk.minutes', { count: minutes });
  return hours < 48 ? t('risk.hours', { count: hours }) : t('risk.days', { count: Math.floor(hours / 24) });
}

function RiskCards({ today }: { today: string | undefined }) {
  const { t } = useTranslation('staffHome');
  const reviews = useQuery({
    queryKey: ['staff-home', 'risk-reviews'],
    queryFn: () => api.get<{ items: { createdAt: string }[] }>('/v1/risk/reviews', { limit: PAGE }),
  });
  const decisions = useQuery({
    queryKey: ['staff-home', 'risk-decisions', today],
    queryFn: () =>
      api.get<{
        items: { decisions: number; approvalRate: number; referRate: number; declineRate: number }[];
      }>('/v1/risk/reports/challenger', { from: today, to: today }),
    enabled: !!today,
  });
  const decided = (decisions.data?.items ?? []).reduce(
    (acc, v) => ({
      total: acc.total + v.decisions,
      approved: acc.approved + Math.round(v.decisions * v.approvalRate),
      referred: acc.referred + Math.round(v.decisions * v.referRate),
      declined: acc.declined + Math.round(v.decisions * v.declineRate),
    }),
    { total: 0, approved: 0, referred: 0, declined: 0 },
  );
  const waiting = reviews.data?.items ?? [];
  const oldest = waiting[0]?.createdAt;
  const error = [reviews, decisions].find((q) => q.isError);
  return (
    <Section title={t('risk.title')}>
      {error && (
        <Col span={24}>
          <ErrorAlert error={error.error} onRetry={() => void error.refetch()} />
        </Col>
      )}
      <Col xs={24} md={8}>
        <Figure
          testId="risk-decided"
          loading={decisions.isPending}
          title={t('risk.decidedToday')}
          value={decided.total}
          note={t('risk.decidedHint', decided)}
        />
      </Col>
      <Col xs={24} md={8}>
        <Figure
          testId="risk-queue"
          loading={reviews.isPending}
          title={t('risk.queue')}
          value={<CountText count={reviews.data?.items.length} full={waiting.length >= PAGE} />}
          note={t('risk.queueHint')}
          link={{ to: '/staff/reviews', label: t('risk.page') }}
        />
      </Col>
      <Col xs={24} md={8}>
        <Figure
          loading={reviews.isPending}
          title={t('risk.oldest')}
          value={oldest ? age(oldest, t) : t('risk.none')}
          note={oldest ? formatDate(oldest) : undefined}
        />
      </Col>
    </Section>
  );
}

function LegalCards() {
  const { t } = useTranslation('staffHome');
  const reviews = useCount('contract-reviews', '/v1/contract-reviews', { status: 'pending' });
  const drafts = useCount('contract-drafts', '/v1/contract-templates', { status: 'draft' }, false);
  return (
    <Section title={t('legal.title')}>
      {reviews.query.isError && (
        <Col span={24}>
          <ErrorAlert error={reviews.query.error} onRetry={() => void reviews.query.refetch()} />
        </Col>
      )}
      <Col xs={24} md={12}>
        <Figure
          testId="legal-reviews"
          loading={reviews.query.isPending}
          title={t('legal.reviews')}
          value={<CountText count={reviews.count} full={reviews.full} />}
          link={{ to: '/staff/contract-reviews', label: t('legal.reviewsPage') }}
        />
      </Col>
      <Col xs={24} md={12}>
        <Figure
          loading={drafts.query.isPending}
          title={t('legal.drafts')}
          value={drafts.count ?? '—'}
          link={{ to: '/staff/contract-templates', label: t('legal.templatesPage') }}
        />
      </Col>
    </Section>
  );
}

function ComplianceCards() {
  const { t } = useTranslation('staffHome');
  const cases = useCount('aml-open', '/v1/aml/cases', { status: 'open' });
  const monitoring = useCount('aml-monitoring', '/v1/aml/cases', { status: 'monitoring' });
  const matches = useCount('screening-open', '/v1/screening/matches', { status: 'open' });
  const error = [cases.query, matches.query].find((q) => q.isError);
  return (
    <Section title={t('compliance.title')}>
      {error && (
        <Col span={24}>
          <ErrorAlert error={error.error} onRetry={() => void error.refetch()} />
        </Col>
      )}
      <Col xs={24} md={12}>
        <Figure
          testId="aml-cases"
          loading={cases.query.isPending}
          title={t('compliance.cases')}
          value={<CountText count={cases.count} full={cases.full} />}
          note={monitoring.count ? t('compliance.monitoring', { count: monitoring.count }) : undefined}
          link={{ to: '/staff/aml', label: t('compliance.casesPage') }}
        />
      </Col>
      <Col xs={24} md={12}>
        <Figure
          testId="screening-matches"
          loading={matches.query.isPending}
          title={t('compliance.matches')}
          value={<CountText count={matches.count} full={matches.full} />}
          link={{ to: '/staff/screening/matches', label: t('compliance.matchesPage') }}
        />
      </Col>
    </Section>
  );
}

interface Run {
  businessDate: string;
  status: 'running' | 'done';
  finishedAt: string | null;
}

function OperationsCards({ closing }: { closing: boolean }) {
  const { t } = useTranslation('staffHome');
  const runs = useQuery({
    queryKey: ['staff-home', 'runs'],
    queryFn: () => api.get<{ items: Run[] }>('/v1/batch/runs', { limit: 1 }),
  });
  const last = runs.data?.items[0];
  return (
    <Section title={t('operations.title')}>
      <Col xs={24} md={12}>
        <Figure
          testId="day-close"
          loading={runs.isPending}
          title={t('operations.lastRun')}
          value={
            <span style={{ fontSize: 18 }}>
              {last
                ? last.status === 'done'
                  ? t('operations.runDone', {
                      date: formatDate(last.businessDate),
                      time: formatDate(last.finishedAt),
                    })
                  : t('operations.runRunning', { date: formatDate(last.businessDate) })
                : t('operations.noRun')}
            </span>
          }
          note={closing ? t('operations.closing') : undefined}
          link={{ to: '/staff/batch', label: t('operations.page') }}
        />
      </Col>
    </Section>
  );
}

/**
 * The staff landing page: the figures of each of the signed-in staff member's roles (an admin's, of
 * every role), each with a link to the page that works them; operations keep the day-close dashboard.
 */
export function StaffDashboard() {
  const { t } = useTranslation('staffHome');
  const me = useMe().data;
  const date = useQuery({
    queryKey: ['batch', 'business-date'],
    queryFn: () => api.get<{ businessDate: string; closing: boolean }>('/v1/batch/business-date'),
  });
  if (!me) return null;
  const has = (...roles: Role[]) => me.roles.includes('admin') || roles.some((r) => me.roles.includes(r));
  return (
    <>
      <PageTitle
        extra={
          <Space wrap>
            {date.data ? <Tag>{t('businessDate', { date: formatDate(date.data.businessDate) })}</Tag> : null}
          </Space>
        }
      >
        {t('title')}
      </PageTitle>
      {date.isError && <ErrorAlert error={date.error} onRetry={() => void date.refetch()} />}
      {has('collector', 'collection_supervisor') && <CollectionsCards me={me} />}
      {has('finance') && <FinanceCards />}
      {has('risk_officer') && <RiskCards today={date.data?.businessDate} />}
      {has('legal') && <LegalCards />}
      {has('compliance') && <ComplianceCards />}
      {has('operations') && (
        <>
          <OperationsCards closing={date.data?.closing ?? false} />
          <div style={{ marginTop: 32 }}>
            <Dashboard />
          </div>
        </>
      )}
    </>
  );
}
