import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, Button, ConfigProvider, Empty, Result, Spin, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError } from './api.ts';
import type { AreaRoute } from './areas/types.ts';
import { Forbidden } from './components/ui.tsx';
import { RoutesContext } from './layout/routes-context.ts';
import { Shell } from './layout/Shell.tsx';
import { VisitorShell } from './layout/VisitorShell.tsx';
import { useMe } from './session.tsx';

const areas = import.meta.glob<{ routes: AreaRoute[] }>('./areas/*/routes.tsx', { eager: true });
const ROUTES: AreaRoute[] = Object.values(areas).flatMap((area) => area.routes);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a dropped connection may.
      retry: (count, error) =>
        count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

const THEME_KEY = 'netfin.theme';

/**
 * Colours that meet WCAG AA (4.5:1 for text) on their backgrounds: Ant Design's secondary text
 * (45% black) and its status colours as text on their light tints fall short, so they are darker here
 * (lighter in the dark theme). Checked by the browser tests with axe-core.
 */
const LIGHT_TOKENS = {
  colorPrimary: '#1668dc',
  colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
  colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
  colorTextDescription: 'rgba(0, 0, 0, 0.6)',
  colorSuccess: '#237804',
  colorWarning: '#ad4e00',
  colorError: '#cf1322',
  colorLink: '#0958d9',
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
  borderRadius: 8,
};
const DARK_TOKENS = {
  // White on it passes AA (a lighter blue, under white button text, does not).
  colorPrimary: '#1668dc',
  colorTextSecondary: 'rgba(255, 255, 255, 0.72)',
  colorTextTertiary: 'rgba(255, 255, 255, 0.65)',
  colorTextDescription: 'rgba(255, 255, 255, 0.65)',
  colorSuccess: '#73d13d',
  colorWarning: '#ffc53d',
  colorError: '#ff7875',
  colorLink: '#69b1ff',
  colorTextPlaceholder: 'rgba(255, 255, 255, 0.55)',
  colorPrimaryText: '#69b1ff',
  colorPrimaryTextHover: '#91caff',
  colorPrimaryTextActive: '#91caff',
  borderRadius: 8,
};
/** In the dark theme the selected menu item and tab are written in a light blue, not the button blue. */
const DARK_COMPONENTS = {
  Menu: { itemSelectedColor: '#91caff', itemHoverColor: '#ffffff' },
  // A danger button is white on red: the red must be dark enough for that, unlike red text on black.
  Button: { colorError: '#cf1322', colorErrorHover: '#e0282e', colorErrorActive: '#a8071a' },
  Tabs: {
    itemSelectedColor: '#69b1ff',
    itemActiveColor: '#91caff',
    itemHoverColor: '#91caff',
    inkBarColor: '#69b1ff',
  },
};

function NotFound() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('state.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('state.back')}</Button>
        </Link>
      }
    />
  );
}

function Pages({ dark, onToggleTheme }: { dark: boolean; onToggleTheme: () => void }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', minHeight: '100vh' }}>
        <Spin size="large" />
      </div>
    );
  }
  const user = me.data ?? null;
  const publicRoutes = ROUTES.filter((route) => route.public);
  const privateRoutes = ROUTES.filter((route) => !route.public);
  return (
    <Routes>
      {publicRoutes.map((route) => (
        <Route key={route.path} path={route.path} element={route.element} />
      ))}
      {privateRoutes.map((route) => (
        <Route
          key={route.path}
          path={route.path}
          element={
            user ? (
              <Shell me={user} routes={ROUTES} dark={dark} onToggleTheme={onToggleTheme}>
                {route.allow && !route.allow(user) ? <Forbidden /> : route.element}
              </Shell>
            ) : route.visitor ? (
              <VisitorShell dark={dark} onToggleTheme={onToggleTheme}>
                {route.visitor}
              </VisitorShell>
            ) : (
              <Navigate
                to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`}
                replace
              />
            )
          }
        />
      ))}
      <Route
        path="*"
        element={
          user ? (
            <Shell me={user} routes={ROUTES} dark={dark} onToggleTheme={onToggleTheme}>
              <NotFound />
            </Shell>
          ) : (
            <NotFound />
          )
        }
      />
    </Routes>
  );
}

export function App() {
  const { t, i18n } = useTranslation();
  const [dark, setDark] = useState(() => localStorage.getItem(THEME_KEY) === 'dark');
  const zh = i18n.language === 'zh';
  useEffect(() => {
    dayjs.locale(zh ? 'zh-cn' : 'en');
  }, [zh]);
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [dark]);
  const toggle = () => {
    setDark((was) => {
      localStorage.setItem(THEME_KEY, was ? 'light' : 'dark');
      return !was;
    });
  };
  return (
    <ConfigProvider
      locale={zh ? zhCN : enUS}
      renderEmpty={() => <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('state.empty')} />}
      theme={{
        algorithm: dark ? theme.darkAlgorithm : theme.defaultAlgorithm,
        token: dark ? DARK_TOKENS : LIGHT_TOKENS,
        components: dark ? DARK_COMPONENTS : undefined,
      }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <RoutesContext.Provider value={ROUTES}>
              <Pages dark={dark} onToggleTheme={toggle} />
            </RoutesContext.Provider>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
