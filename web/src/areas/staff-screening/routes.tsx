import { AlertOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Entries } from './Entries.tsx';
import { Lists } from './Lists.tsx';
import { MatchDetail } from './MatchDetail.tsx';
import { Matches } from './Matches.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/screening/matches',
    element: <Matches />,
    allow: (me) => can(me, 'aml:work'),
    nav: { label: 'staffScreening:nav.matches', icon: <AlertOutlined />, group: 'staff', order: 70 },
  },
  { path: '/staff/screening/matches/:id', element: <MatchDetail />, allow: (me) => can(me, 'aml:work') },
  {
    path: '/staff/screening/lists',
    element: <Lists />,
    allow: (me) => can(me, 'aml:work'),
    nav: { label: 'staffScreening:nav.lists', icon: <UnorderedListOutlined />, group: 'staff', order: 71 },
  },
  { path: '/staff/screening/lists/:id', element: <Entries />, allow: (me) => can(me, 'aml:work') },
];
