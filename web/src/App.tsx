import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, Button, ConfigProvider, Result, Spin, theme } from 'antd';
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
  const { i18n } = useTranslation();
  const [dark, setDark] = useState(() => localStorage.getItem(THEME_KEY) === 'dark');
  const zh = i18n.language === 'zh';
  useEffect(() => {
    dayjs.locale(zh ? 'zh-cn' : 'en');
  }, [zh]);
  const toggle = () => {
    setDark((was) => {
      localStorage.setItem(THEME_KEY, was ? 'light' : 'dark');
      return !was;
    });
  };
  return (
    <ConfigProvider
      locale={zh ? zhCN : enUS}
      theme={{
        algorithm: dark ? theme.darkAlgorithm : theme.defaultAlgorithm,
        // #1668dc on white and #4096ff on the dark background both meet WCAG AA for text.
        token: { colorPrimary: dark ? '#4096ff' : '#1668dc', borderRadius: 8 },
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
