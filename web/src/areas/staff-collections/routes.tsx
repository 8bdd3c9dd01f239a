import { PhoneOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { CaseDetail } from './CaseDetail.tsx';
import { CaseQueue } from './CaseQueue.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/collections',
    element: <CaseQueue />,
    allow: (me) => can(me, 'collections:work'),
    nav: { label: 'nav.collections', icon: <PhoneOutlined />, group: 'staff', order: 20 },
  },
  {
    path: '/staff/collections/:id',
    element: <CaseDetail />,
    allow: (me) => can(me, 'collections:work'),
  },
];
