import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Flex, Row, Skeleton, Space, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, type Money } from '../../api.ts';
import { Amount, ErrorAlert, Figure } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatRate } from '../../money.ts';
import { ListingStrip } from './ListingStrip.tsx';

/** GET /v1/lending/platform-figures. */
export interface PlatformFigures {
  lentPrincipal: Money;
  loansFunded: number;
  investors: number;
  borrowers: number;
  outstandingPrincipal: Money;
  overduePrincipal: Money;
  overdueRate: string | null;
  reserveBalance: Money;
  reserveCoverageOfOverdue: string | null;
  reserveCoverageOfOutstanding: string | null;
  asOf: string;
  businessDate: string;
}

function Figures() {
  const { t, i18n } = useTranslation('home');
  const figures = useQuery({
    queryKey: ['lending', 'platform-figures'],
    queryFn: () => api.get<PlatformFigures>('/v1/lending/platform-figures'),
    staleTime: 60_000,
  });
  if (figures.isPending) return <Skeleton active />;
  if (figures.isError) return <ErrorAlert error={figures.error} onRetry={() => void figures.refetch()} />;
  const f = figures.data;
  const count = (n: number) => n.toLocaleString(i18n.language === 'zh' ? 'zh-CN' : 'en-GB');
  const items = [
    { key: 'lent', label: t('figures.lent'), value: <Amount value={f.lentPrincipal} /> },
    { key: 'loans', label: t('figures.loans'), value: count(f.loansFunded) },
    { key: 'investors', label: t('figures.investors'), value: count(f.investors) },
    { key: 'borrowers', label: t('figures.borrowers'), value: count(f.borrowers) },
    { key: 'outstanding', label: t('figures.outstanding'), value: <Amount value={f.outstandingPrincipal} /> },
    {
      key: 'overdue',
      label: t('figures.overdueRate'),
      value: formatRate(f.overdueRate ?? '0'),
      note: t('figures.overdueRateNote'),
    },
    { key: 'reserve', label: t('figures.reserve'), value: <Amount value={f.reserveBalance} /> },
    {
      key: 'coverage',
      label: t('figures.coverage'),
      value:
        f.reserveCoverageOfOverdue === null
          ? t('figures.noOverdue')
          : formatRate(f.reserveCoverageOfOverdue, 0),
      note: t('figures.coverageNote'),
    },
  ];
  return (
    <>
      <Row gutter={[12, 12]} data-testid="platform-figures">
        {items.map((item) => (
          <Col key={item.key} xs={12} md={6}>
            <Figure label={item.label} value={item.value} note={item.note} />
          </Col>
        ))}
      </Row>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('figures.asOf', { date: formatDate(f.businessDate) })}
      </Typography.Paragraph>
    </>
  );
}

function HowItWorks({ title, steps }: { title: string; steps: string[] }) {
  const { token } = theme.useToken();
  return (
    <Card size="small" style={{ height: '100%' }}>
      <Typography.Title level={3} style={{ marginTop: 0, fontSize: 18 }}>
        {title}
      </Typography.Title>
      <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {steps.map((step, i) => (
          <li key={step} style={{ display: 'flex', gap: 12, alignItems: 'flex-start', marginBottom: 12 }}>
            <span
              aria-hidden="true"
              style={{
                flex: 'none',
                width: 28,
                height: 28,
                borderRadius: 14,
                display: 'grid',
                placeItems: 'center',
                background: token.colorPrimary,
                color: '#fff',
                fontWeight: 600,
              }}
            >
              {i + 1}
            </span>
            <Typography.Text style={{ paddingTop: 3 }}>{step}</Typography.Text>
          </li>
        ))}
      </ol>
    </Card>
  );
}

/** The public home page: what netfin is, its figures, open listings, how it works, sign up. */
export function Landing() {
  const { t } = useTranslation('home');
  const { token } = theme.useToken();
  const section = { marginTop: 32 };
  return (
    <div>
      <section
        aria-labelledby="hero-title"
        style={{
          background: `linear-gradient(135deg, ${token.colorPrimary} 0%, #0b3f8a 100%)`,
          borderRadius: token.borderRadiusLG,
          padding: 'clamp(24px, 5vw, 56px) clamp(16px, 4vw, 48px)',
          color: '#fff',
        }}
      >
        <Typography.Title id="hero-title" level={1} style={{ color: '#fff', marginTop: 0 }}>
          {t('landing.title')}
        </Typography.Title>
        <Typography.Paragraph style={{ color: '#fff', fontSize: 17, maxWidth: 640 }}>
          {t('landing.subtitle')}
        </Typography.Paragraph>
        <Space wrap size={12}>
          <Link to="/sign-up">
            <Button size="large">{t('landing.signUp')}</Button>
          </Link>
          <Link to="/sign-in">
            <Button size="large" ghost>
              {t('landing.signIn')}
            </Button>
          </Link>
        </Space>
      </section>

      <section aria-labelledby="figures-title" style={section}>
        <Typography.Title id="figures-title" level={2} style={{ fontSize: 22 }}>
          {t('figures.title')}
        </Typography.Title>
        <Figures />
      </section>

      <section aria-labelledby="listings-title" style={section}>
        <Flex justify="space-between" align="baseline" wrap gap={8}>
          <Typography.Title id="listings-title" level={2} style={{ fontSize: 22 }}>
            {t('listingsTitle')}
          </Typography.Title>
          <Link to="/market">{t('allListings')}</Link>
        </Flex>
        <ListingStrip />
      </section>

      <section aria-labelledby="crowdfunding-title" style={section}>
        <Card size="small">
          <Flex justify="space-between" align="center" wrap gap={12}>
            <div style={{ maxWidth: 720 }}>
              <Typography.Title id="crowdfunding-title" level={2} style={{ fontSize: 22, marginTop: 0 }}>
                {t('crowdfunding.title')}
              </Typography.Title>
              <Typography.Paragraph style={{ marginBottom: 0 }}>
                {t('crowdfunding.text')}
              </Typography.Paragraph>
            </div>
            <Link to="/crowdfunding">
              <Button type="primary">{t('crowdfunding.browse')}</Button>
            </Link>
          </Flex>
        </Card>
      </section>

      <section aria-labelledby="how-title" style={section}>
        <Typography.Title id="how-title" level={2} style={{ fontSize: 22 }}>
          {t('how.title')}
        </Typography.Title>
        <Row gutter={[16, 16]}>
          <Col xs={24} md={12}>
            <HowItWorks
              title={t('how.investors')}
              steps={[t('how.invest1'), t('how.invest2'), t('how.invest3'), t('how.invest4')]}
            />
          </Col>
          <Col xs={24} md={12}>
            <HowItWorks
              title={t('how.borrowers')}
              steps={[t('how.borrow1'), t('how.borrow2'), t('how.borrow3'), t('how.borrow4')]}
            />
          </Col>
        </Row>
      </section>

      <section aria-labelledby="join-title" style={{ ...section, textAlign: 'center' }}>
        <Typography.Title id="join-title" level={2} style={{ fontSize: 22 }}>
          {t('landing.join')}
        </Typography.Title>
        <Link to="/sign-up">
          <Button type="primary" size="large">
            {t('landing.signUp')}
          </Button>
        </Link>
      </section>
    </div>
  );
}
