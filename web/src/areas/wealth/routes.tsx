import { RiseOutlined } from '@ant-design/icons';
import { isCustomer } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Wealth } from './Wealth.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/wealth',
    element: <Wealth />,
    allow: isCustomer,
    nav: { label: 'wealth:nav', icon: <RiseOutlined />, group: 'personal', order: 35 },
  },
];
