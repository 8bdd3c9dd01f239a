import { RocketOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { StaffCrowdfunding } from './StaffCrowdfunding.tsx';
import { StaffProject } from './StaffProject.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/crowdfunding',
    element: <StaffCrowdfunding />,
    allow: (me) => can(me, 'crowdfunding:review'),
    nav: { label: 'staffCrowdfunding:nav', icon: <RocketOutlined />, group: 'staff', order: 46 },
  },
  {
    path: '/staff/crowdfunding/:id',
    element: <StaffProject />,
    allow: (me) => can(me, 'crowdfunding:review'),
  },
];
