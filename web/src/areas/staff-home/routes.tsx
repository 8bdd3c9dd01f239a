import { DashboardOutlined } from '@ant-design/icons';
import type { AreaRoute } from '../types.ts';
import { StaffDashboard } from './StaffDashboard.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/dashboard',
    element: <StaffDashboard />,
    allow: (me) => me.isStaff,
    nav: { label: 'staffHome:nav', icon: <DashboardOutlined />, group: 'staff', order: 0 },
  },
];
