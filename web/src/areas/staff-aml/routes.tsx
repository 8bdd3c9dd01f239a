import { AlertOutlined, TableOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { CaseDetail } from './CaseDetail.tsx';
import { Queue } from './Queue.tsx';
import { Rules } from './Rules.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/aml',
    element: <Queue />,
    allow: (me) => can(me, 'aml:work'),
    nav: { label: 'staffAml:nav.queue', icon: <AlertOutlined />, group: 'staff', order: 70 },
  },
  { path: '/staff/aml/cases/:id', element: <CaseDetail />, allow: (me) => can(me, 'aml:work') },
  {
    path: '/staff/aml/rules',
    element: <Rules />,
    allow: (me) => can(me, 'aml:manage'),
    nav: { label: 'staffAml:nav.rules', icon: <TableOutlined />, group: 'staff', order: 71 },
  },
];
