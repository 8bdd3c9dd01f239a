import { UserOutlined } from '@ant-design/icons';
import type { AreaRoute } from '../types.ts';
import { Account } from './Account.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/account',
    element: <Account />,
    nav: { label: 'common:nav.account', icon: <UserOutlined />, group: 'personal', order: 90 },
  },
];
