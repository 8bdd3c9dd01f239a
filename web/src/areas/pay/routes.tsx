import { QrcodeOutlined } from '@ant-design/icons';
import { isCustomer } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Pay, PayOrder } from './Pay.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/pay',
    element: <Pay />,
    allow: isCustomer,
    nav: { label: 'common:nav.pay', icon: <QrcodeOutlined />, group: 'personal', order: 20 },
  },
  { path: '/pay/:id', element: <PayOrder />, allow: isCustomer },
];
