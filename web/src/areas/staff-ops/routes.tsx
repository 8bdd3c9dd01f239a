import { ScheduleOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { BatchPage } from './BatchPage.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/batch',
    element: <BatchPage />,
    allow: (me) => can(me, 'batch:read'),
    nav: { label: 'nav.batch', icon: <ScheduleOutlined />, group: 'staff', order: 50 },
  },
];
