import { LineChartOutlined } from '@ant-design/icons';
import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';

// The pages (and ECharts with them) are fetched when a page is opened: no other page grows.
const AnalyticsPage = lazy(() => import('./AnalyticsPage.tsx'));

const page = (
  <Suspense fallback={<Skeleton active />}>
    <AnalyticsPage />
  </Suspense>
);

export const routes: AreaRoute[] = [
  {
    path: '/staff/analytics',
    element: page,
    allow: (me) => can(me, 'analytics:read'),
    nav: { label: 'staffAnalytics:nav', icon: <LineChartOutlined />, group: 'staff', order: 5 },
  },
  { path: '/staff/analytics/:area', element: page, allow: (me) => can(me, 'analytics:read') },
];
