import { Button, Flex, Grid, Layout, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { LanguageSwitch, ThemeSwitch } from './Shell.tsx';

/**
 * The frame around what a visitor may see before signing in (the public home page, the open
 * listings): the brand, the listings, language and theme, sign in and sign up; the risk notice and
 * a footer below.
 */
export function VisitorShell({
  dark,
  onToggleTheme,
  children,
}: {
  dark: boolean;
  onToggleTheme: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation('visitor');
  const screens = Grid.useBreakpoint();
  const wide = screens.md === true;
  const location = useLocation();
  const here = location.pathname + location.search;
  const signIn = here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 4,
          padding: wide ? '0 24px' : '0 8px',
          background: 'transparent',
          borderBottom: '1px solid rgba(128,128,128,0.2)',
        }}
      >
        <Link to="/" style={{ fontSize: 20, fontWeight: 700, marginInlineEnd: 12 }}>
          {t('common:brand')}
        </Link>
        {wide ? (
          <nav aria-label={t('menu')} style={{ display: 'flex', gap: 16 }}>
            <Link to="/market">{t('listings')}</Link>
            <Link to="/crowdfunding">{t('crowdfunding')}</Link>
            <Link to="/disclosure">{t('disclosure')}</Link>
          </nav>
        ) : null}
        <div style={{ flex: 1 }} />
        <Space size={wide ? 4 : 0}>
          <LanguageSwitch />
          <ThemeSwitch dark={dark} onToggle={onToggleTheme} />
          <Link to={signIn}>
            <Button type="text">{t('common:nav.signIn')}</Button>
          </Link>
          <Link to="/sign-up">
            <Button type="primary">{t('common:nav.signUp')}</Button>
          </Link>
        </Space>
      </Layout.Header>
      {/* Layout.Content is the page's one <main>. */}
      <Layout.Content style={{ padding: wide ? 24 : 12, maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        {children}
      </Layout.Content>
      <Layout.Footer style={{ background: 'transparent', borderTop: '1px solid rgba(128,128,128,0.2)' }}>
        <Flex
          vertical
          gap={8}
          align="center"
          style={{ maxWidth: 1200, margin: '0 auto', textAlign: 'center' }}
        >
          <Typography.Text strong data-testid="risk-notice">
            {t('riskNotice')}
          </Typography.Text>
          <Typography.Text type="secondary">{t('riskDetail')}</Typography.Text>
          <Space wrap size={16} style={{ justifyContent: 'center' }}>
            <Link to="/market">{t('listings')}</Link>
            <Link to="/crowdfunding">{t('crowdfunding')}</Link>
            <Link to="/disclosure">{t('disclosure')}</Link>
            <Link to="/sign-up">{t('common:nav.signUp')}</Link>
            <Link to="/sign-in">{t('common:nav.signIn')}</Link>
          </Space>
          <Typography.Text type="secondary">{t('footer')}</Typography.Text>
        </Flex>
      </Layout.Footer>
    </Layout>
  );
}
