import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Flex, Row, Skeleton, Space, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Money } from '../../api.ts';
import { formatDate } from '../../i18n/index.ts';
import { useRoutes } from '../../layout/routes-context.ts';
import { formatMoney } from '../../money.ts';
import { can, isCustomer, type Me, useMe } from '../../session.tsx';
import type { LoanView } from '../borrow/loan-view.ts';
import { daysUntil } from '../invest/lending.ts';
import type { NoteListing } from '../invest/MyNoteListings.tsx';
import { useCards, type Wallet } from '../wallet/types.ts';
import { ListingStrip } from './ListingStrip.tsx';

const cny = (amount: string): Money => ({ amount, currency: 'CNY' });

/** Adds decimal strings exactly (BigInt cents): the sum of what a borrower owes across loans. */
function sum(amounts: string[]): string {
  let total = 0n;
  for (const text of amounts) {
    const [whole = '0', fraction = ''] = text.split('.');
    total += BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  }
  return `${total / 100n}.${String(total % 100n).padStart(2, '0')}`;
}

function Figure({ title, value, note }: { title: string; value: string; note?: string }) {
  return (
    <Card size="small" style={{ height: '100%' }}>
      <Statistic title={title} value={value} styles={{ content: { fontVariantNumeric: 'tabular-nums' } }} />
      {note ? <Typography.Text type="secondary">{note}</Typography.Text> : null}
    </Card>
  );
}

/** How many days ahead a repayment counts as due soon. */
const DUE_SOON_DAYS = 10;

interface Action {
  readonly key: string;
  readonly text: string;
  readonly to: string;
  readonly button: string;
  readonly tone?: 'danger' | 'warning';
}

/**
 * What the customer could do next, from what the app already knows: an overdue loan, a repayment due
 * soon, the steps to get ready (identity, card, risk assessment, payment password), an empty wallet,
 * auto-invest off, notes for sale. Each links to the page that does it.
 */
function CustomerHome({ me }: { me: Me }) {
  const { t } = useTranslation('home');
  const wallet = useQuery({ queryKey: ['wallet'], queryFn: () => api.get<Wallet>('/v1/me/wallet') });
  const investments = useQuery({
    queryKey: ['investments'],
    queryFn: () => api.get<{ outstandingPrincipal: string; interestToCome: string }>('/v1/me/investments'),
  });
  const loans = useQuery({ queryKey: ['my-loans'], queryFn: () => api.get<LoanView[]>('/v1/me/loans') });
  const cards = useCards();
  const risk = useQuery({
    queryKey: ['risk-assessment'],
    queryFn: () => api.get<{ riskClass?: string | null; valid?: boolean } | null>('/v1/me/risk-assessment'),
  });
  const active = (loans.data ?? []).filter((view) => view.loan.status === 'active');
  const next = active
    .map((view) => view.nextDue)
    .filter((due): due is { date: string; amount: string } => due !== null)
    .sort((a, b) => a.date.localeCompare(b.date))[0];
  const steps = [
    { key: 'kyc', done: me.kycLevel >= 1, to: '/account?tab=identity' },
    {
      key: 'card',
      done: (cards.data ?? []).some((card) => card.status === 'active'),
      to: '/account?tab=cards',
    },
    { key: 'risk', done: !!risk.data?.riskClass && risk.data.valid !== false, to: '/account?tab=risk' },
    { key: 'password', done: me.hasPaymentPassword, to: '/account?tab=security' },
  ];
  const autoInvest = useQuery({
    queryKey: ['auto-invest'],
    queryFn: () => api.get<{ enabled: boolean } | null>('/v1/me/auto-invest'),
  });
  const noteListings = useQuery({
    queryKey: ['note-listings'],
    queryFn: () => api.get<NoteListing[]>('/v1/lending/note-listings', { limit: 200 }),
  });
  const ready = cards.isSuccess && risk.isSuccess && loans.isSuccess && wallet.isSuccess;
  const actions: Action[] = [];
  for (const view of active.filter((v) => v.dpd > 0))
    actions.push({
      key: `overdue-${view.loan.id}`,
      text: t('actionOverdue', { count: view.dpd, amount: formatMoney(cny(view.due)) }),
      to: `/loans/${view.loan.id}`,
      button: t('repayNow'),
      tone: 'danger',
    });
  for (const view of active.filter((v) => v.dpd === 0 && v.nextDue)) {
    const due = view.nextDue!;
    if (daysUntil(due.date) > DUE_SOON_DAYS) continue;
    actions.push({
      key: `due-${view.loan.id}`,
      text: t('actionDue', { date: formatDate(due.date), amount: formatMoney(cny(due.amount)) }),
      to: `/loans/${view.loan.id}`,
      button: t('repay'),
      tone: 'warning',
    });
  }
  for (const step of steps.filter((s) => !s.done))
    actions.push({
      key: step.key,
      text: t(`step${step.key[0]!.toUpperCase()}${step.key.slice(1)}`),
      to: step.to,
      button: t('todo'),
    });
  if (wallet.data && /^0(\.0+)?$/.test(wallet.data.available.amount))
    actions.push({ key: 'top-up', text: t('actionTopUp'), to: '/wallet', button: t('topUp') });
  if (risk.data?.riskClass && autoInvest.isSuccess && !autoInvest.data?.enabled)
    actions.push({
      key: 'auto-invest',
      text: t('actionAutoInvest'),
      to: '/auto-invest',
      button: t('turnOn'),
    });
  const forSale = (noteListings.data ?? []).filter((l) => !l.own).length;
  if (risk.data?.riskClass && forSale > 0)
    actions.push({
      key: 'notes',
      text: t('actionNotes', { count: forSale }),
      to: '/note-market',
      button: t('look'),
    });
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={[12, 12]}>
        <Col xs={24} md={8}>
          <Figure
            title={t('wallet')}
            value={formatMoney(wallet.data?.balance)}
            note={wallet.data ? t('available', { amount: formatMoney(wallet.data.available) }) : undefined}
          />
        </Col>
        <Col xs={24} md={8}>
          <Figure
            title={t('invested')}
            value={investments.data ? formatMoney(cny(investments.data.outstandingPrincipal)) : '—'}
            note={
              investments.data
                ? t('interestToCome', { amount: formatMoney(cny(investments.data.interestToCome)) })
                : undefined
            }
          />
        </Col>
        <Col xs={24} md={8}>
          <Figure
            title={t('borrowed')}
            value={loans.data ? formatMoney(cny(sum(active.map((view) => view.principalOutstanding)))) : '—'}
            note={
              next
                ? t('nextDue', { date: formatDate(next.date), amount: formatMoney(cny(next.amount)) })
                : t('nothingDue')
            }
          />
        </Col>
      </Row>
      <Card title={t('quick')} size="small">
        <Flex gap={8} wrap>
          <Link to="/wallet">
            <Button type="primary">{t('topUp')}</Button>
          </Link>
          <Link to="/market">
            <Button>{t('invest')}</Button>
          </Link>
          <Link to="/borrow">
            <Button>{t('borrow')}</Button>
          </Link>
          <Link to="/pay">
            <Button>{t('pay')}</Button>
          </Link>
        </Flex>
      </Card>
      <Card
        title={<span id="next-actions-title">{t('nextActions')}</span>}
        size="small"
        data-testid="next-actions"
      >
        {ready ? (
          actions.length === 0 ? (
            <Typography.Text type="secondary">{t('allDone')}</Typography.Text>
          ) : (
            <ul aria-labelledby="next-actions-title" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {actions.map((action) => (
                <li key={action.key} style={{ padding: '6px 0' }}>
                  <Flex justify="space-between" align="center" gap={8}>
                    <Typography.Text type={action.tone}>{action.text}</Typography.Text>
                    <Link to={action.to} style={{ flex: 'none' }}>
                      <Button size="small" type={action.tone === 'danger' ? 'primary' : 'default'}>
                        {action.button}
                      </Button>
                    </Link>
                  </Flex>
                </li>
              ))}
            </ul>
          )
        ) : (
          <Skeleton active paragraph={{ rows: 2 }} />
        )}
      </Card>
      <Card title={t('listingsTitle')} size="small" extra={<Link to="/market">{t('allListings')}</Link>}>
        <ListingStrip limit={3} />
      </Card>
    </Space>
  );
}

function StaffHome({ me }: { me: Me }) {
  const { t } = useTranslation('home');
  const routes = useRoutes();
  const date = useQuery({
    queryKey: ['business-date'],
    queryFn: () => api.get<{ businessDate: string }>('/v1/batch/business-date'),
    enabled: can(me, 'batch:read'),
  });
  const pages = routes
    .filter((route) => route.nav?.group === 'staff' && (!route.allow || route.allow(me)))
    .sort((a, b) => a.nav!.order - b.nav!.order);
  return (
    <Card
      title={t('console')}
      extra={date.data ? <Tag>{t('businessDate', { date: formatDate(date.data.businessDate) })}</Tag> : null}
    >
      <Typography.Paragraph type="secondary">{t('consoleHint')}</Typography.Paragraph>
      <Row gutter={[12, 12]}>
        {pages.map((route) => (
          <Col key={route.path} xs={12} md={8} lg={6}>
            <Link to={route.path}>
              <Card hoverable size="small">
                <Space>
                  {route.nav!.icon}
                  <Typography.Text>{t(route.nav!.label, { ns: 'common' })}</Typography.Text>
                </Space>
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </Card>
  );
}

export function Home() {
  const { t } = useTranslation('home');
  const me = useMe().data;
  if (!me) return null;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('hello', { name: me.displayName ?? me.phone })}
        </Typography.Title>
        <Space size={4} wrap aria-label={t('roles')}>
          {me.roles.map((role) => (
            <Tag key={role}>{t(`common:role.${role}`)}</Tag>
          ))}
        </Space>
      </Flex>
      {isCustomer(me) ? <CustomerHome me={me} /> : null}
      {me.isStaff ? <StaffHome me={me} /> : null}
    </Space>
  );
}
