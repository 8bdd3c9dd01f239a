import { RiseOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { StaffWealth } from './StaffWealth.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/wealth',
    element: <StaffWealth />,
    allow: (me) => can(me, 'wealth:read'),
    nav: { label: 'staffWealth:nav', icon: <RiseOutlined />, group: 'staff', order: 44 },
  },
];
