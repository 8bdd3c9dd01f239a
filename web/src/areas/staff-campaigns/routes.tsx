import { NotificationOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { StaffCampaigns } from './StaffCampaigns.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/campaigns',
    element: <StaffCampaigns />,
    allow: (me) => can(me, 'crm:read'),
    nav: { label: 'staffCampaigns:nav', icon: <NotificationOutlined />, group: 'staff', order: 47 },
  },
];
