import { DeleteOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { MyData } from './MyData.tsx';
import { Retention } from './Retention.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/my-data',
    element: <MyData />,
    nav: { label: 'privacy:nav', icon: <SafetyCertificateOutlined />, group: 'personal', order: 90 },
  },
  {
    path: '/staff/privacy',
    element: <Retention />,
    allow: (me) => can(me, 'privacy:manage'),
    nav: { label: 'privacy:staffNav', icon: <DeleteOutlined />, group: 'staff', order: 95 },
  },
];
