import { DashboardOutlined, ScheduleOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { BatchPage } from './BatchPage.tsx';
import { Dashboard } from './Dashboard.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/dashboard',
    element: <Dashboard />,
    allow: (me) => can(me, 'lending:read') || can(me, 'batch:read'),
    nav: { label: 'nav.dashboard', icon: <DashboardOutlined />, group: 'staff', order: 0 },
  },
  {
    path: '/staff/batch',
    element: <BatchPage />,
    allow: (me) => can(me, 'batch:read'),
    nav: { label: 'nav.batch', icon: <ScheduleOutlined />, group: 'staff', order: 50 },
  },
];
