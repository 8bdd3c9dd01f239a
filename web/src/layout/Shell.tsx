import { MenuOutlined, MoonOutlined, SunOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography } from 'antd';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { ChatPanel } from '../areas/chat/ChatPanel.tsx';
import type { AreaRoute } from '../areas/types.ts';
import { currentLanguage, setLanguage } from '../i18n/index.ts';
import { isCustomer, type Me, useSignOut } from '../session.tsx';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const zh = currentLanguage() === 'zh';
  return (
    <Button
      type="text"
      aria-label={t('language')}
      onClick={() => setLanguage(zh ? 'en' : 'zh')}
      data-testid="language-switch"
    >
      {zh ? t('switchToEnglish') : t('switchToChinese')}
    </Button>
  );
}

export function ThemeSwitch({ dark, onToggle }: { dark: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <Button
      type="text"
      aria-label={t('theme.toggle')}
      title={dark ? t('theme.light') : t('theme.dark')}
      icon={dark ? <SunOutlined /> : <MoonOutlined />}
      onClick={onToggle}
    />
  );
}

function menuItems(routes: readonly AreaRoute[], me: Me, t: (key: string) => string) {
  const visible = routes.filter((route) => route.nav && (!route.allow || route.allow(me)));
  const groups: Record<string, AreaRoute[]> = { personal: [], merchant: [], staff: [] };
  for (const route of visible) groups[route.nav!.group]!.push(route);
  const entry = (route: AreaRoute) => ({
    key: route.path,
    icon: route.nav!.icon,
    label: <Link to={route.path}>{t(route.nav!.label)}</Link>,
  });
  const sorted = (list: AreaRoute[]) => [...list].sort((a, b) => a.nav!.order - b.nav!.order).map(entry);
  const items = [];
  if (groups.personal!.length) items.push(...sorted(groups.personal!));
  if (groups.merchant!.length)
    items.push({
      type: 'group' as const,
      key: 'g-merchant',
      label: t('nav.merchant'),
      children: sorted(groups.merchant!),
    });
  if (groups.staff!.length)
    items.push({
      type: 'group' as const,
      key: 'g-staff',
      label: t('nav.staff'),
      children: sorted(groups.staff!),
    });
  return items;
}

/** The frame around every signed-in page: a side menu at desk width, a drawer on a phone. */
export function Shell({
  me,
  routes,
  dark,
  onToggleTheme,
  children,
}: {
  me: Me;
  routes: readonly AreaRoute[];
  dark: boolean;
  onToggleTheme: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const desk = screens.lg === true;
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const items = useMemo(() => menuItems(routes, me, t), [routes, me, t]);
  const selected = routes
    .filter((route) => route.nav && location.pathname.startsWith(route.path) && route.path !== '/')
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;
  const menu = (
    <nav aria-label={t('nav.menu')}>
      <Menu
        mode="inline"
        items={items}
        selectedKeys={[selected ?? (location.pathname === '/' ? '/' : '')]}
        onClick={() => setOpen(false)}
        style={{ borderInlineEnd: 'none' }}
      />
    </nav>
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {desk && (
        <Layout.Sider
          width={224}
          // The 'light' sider takes the theme's container colour, as its menu does, in both themes
          // ('dark' would paint antd's navy behind a menu of the dark theme's grey).
          theme="light"
          style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        >
          <div style={{ padding: '18px 24px' }}>
            <Link to="/" style={{ fontSize: 20, fontWeight: 700 }}>
              {t('brand')}
            </Link>
          </div>
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header
          style={{
            display: 'flex',
            alignItems: 'center',
            gap: 8,
            padding: '0 16px',
            background: 'transparent',
            borderBottom: '1px solid rgba(128,128,128,0.2)',
          }}
        >
          {!desk && (
            <>
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('nav.menu')}
                onClick={() => setOpen(true)}
              />
              <Link to="/" style={{ fontSize: 18, fontWeight: 700 }}>
                {t('brand')}
              </Link>
            </>
          )}
          <div style={{ flex: 1 }} />
          <Space size={4}>
            <LanguageSwitch />
            <ThemeSwitch dark={dark} onToggle={onToggleTheme} />
            <Dropdown
              menu={{
                items: [
                  { key: 'account', label: t('nav.account'), onClick: () => navigate('/account') },
                  {
                    key: 'sign-out',
                    label: t('nav.signOut'),
                    onClick: async () => {
                      await signOut();
                      navigate('/sign-in');
                    },
                  },
                ],
              }}
            >
              <Button type="text" icon={<UserOutlined />} aria-label={t('nav.account')}>
                {desk && <Typography.Text>{me.displayName ?? me.phone}</Typography.Text>}
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        {/* Layout.Content is the page's one <main>. */}
        <Layout.Content style={{ padding: desk ? 24 : 12, maxWidth: 1280, width: '100%', margin: '0 auto' }}>
          {children}
        </Layout.Content>
        {/* the customer's chat with customer service. */}
        {isCustomer(me) && <ChatPanel />}
      </Layout>
      <Drawer
        open={open && !desk}
        onClose={() => setOpen(false)}
        placement="left"
        title={t('brand')}
        size={260}
      >
        {menu}
      </Drawer>
    </Layout>
  );
}
