import { AccountBookOutlined, FileSearchOutlined, TeamOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Audit } from './Audit.tsx';
import { Finance } from './Finance.tsx';
import { Users } from './Users.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/finance',
    element: <Finance />,
    allow: (me) => can(me, 'payments:exceptions'),
    nav: { label: 'nav.finance', icon: <AccountBookOutlined />, group: 'staff', order: 40 },
  },
  {
    path: '/staff/users',
    element: <Users />,
    allow: (me) => can(me, 'users:read'),
    nav: { label: 'nav.users', icon: <TeamOutlined />, group: 'staff', order: 70 },
  },
  {
    path: '/staff/audit',
    element: <Audit />,
    allow: (me) => can(me, 'audit:read'),
    nav: { label: 'nav.audit', icon: <FileSearchOutlined />, group: 'staff', order: 80 },
  },
];
