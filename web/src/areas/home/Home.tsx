import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Flex, Row, Space, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Money } from '../../api.ts';
import { formatDate } from '../../i18n/index.ts';
import { useRoutes } from '../../layout/routes-context.ts';
import { formatMoney } from '../../money.ts';
import { can, isCustomer, type Me, useMe } from '../../session.tsx';
import type { LoanView } from '../borrow/loan-view.ts';
import { useCards, type Wallet } from '../wallet/types.ts';

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
    queryFn: () => api.get<{ riskClass?: string | null } | null>('/v1/me/risk-assessment'),
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
    { key: 'risk', done: !!risk.data?.riskClass, to: '/account?tab=risk' },
    { key: 'password', done: me.hasPaymentPassword, to: '/account?tab=security' },
  ];
  const pending = steps.filter((step) => !step.done);
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
      {pending.length > 0 && cards.data && risk.isSuccess ? (
        <Card title={t('steps')} size="small">
          <Flex vertical gap={8}>
            {steps.map((step) => (
              <Flex key={step.key} justify="space-between" align="center" gap={8}>
                <Typography.Text>
                  {t(`step${step.key[0]!.toUpperCase()}${step.key.slice(1)}`)}
                </Typography.Text>
                {step.done ? (
                  <Tag color="success">{t('done')}</Tag>
                ) : (
                  <Link to={step.to}>
                    <Button size="small">{t('todo')}</Button>
                  </Link>
                )}
              </Flex>
            ))}
          </Flex>
        </Card>
      ) : null}
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
