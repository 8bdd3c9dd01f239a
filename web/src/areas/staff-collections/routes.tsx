import { BarChartOutlined, PhoneOutlined, SettingOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { CaseDetail } from './CaseDetail.tsx';
import { CaseQueue } from './CaseQueue.tsx';
import { CollectionAnalysis } from './CollectionAnalysis.tsx';
import { CollectionSettings } from './CollectionSettings.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/collections',
    element: <CaseQueue />,
    allow: (me) => can(me, 'collections:work'),
    nav: { label: 'nav.collections', icon: <PhoneOutlined />, group: 'staff', order: 20 },
  },
  {
    path: '/staff/collections/settings',
    element: <CollectionSettings />,
    allow: (me) => can(me, 'collections:supervise'),
    nav: { label: 'staffCollections:nav.settings', icon: <SettingOutlined />, group: 'staff', order: 21 },
  },
  {
    path: '/staff/collections/analysis',
    element: <CollectionAnalysis />,
    allow: (me) => can(me, 'collections:supervise'),
    nav: { label: 'staffCollections:nav.analysis', icon: <BarChartOutlined />, group: 'staff', order: 22 },
  },
  {
    path: '/staff/collections/:id',
    element: <CaseDetail />,
    allow: (me) => can(me, 'collections:work'),
  },
];
