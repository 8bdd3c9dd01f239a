import { ApartmentOutlined, AuditOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { GraphPage } from './GraphPage.tsx';
import { Graphs } from './Graphs.tsx';
import { ReviewDetail } from './ReviewDetail.tsx';
import { ReviewQueue } from './ReviewQueue.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/reviews',
    element: <ReviewQueue />,
    allow: (me) => can(me, 'risk:decide'),
    nav: { label: 'nav.reviews', icon: <AuditOutlined />, group: 'staff', order: 10 },
  },
  {
    path: '/staff/reviews/:decisionId',
    element: <ReviewDetail />,
    allow: (me) => can(me, 'risk:decide'),
  },
  {
    path: '/staff/graphs',
    element: <Graphs />,
    allow: (me) => can(me, 'risk:manage'),
    nav: { label: 'nav.graphs', icon: <ApartmentOutlined />, group: 'staff', order: 12 },
  },
  {
    path: '/staff/graphs/:id',
    element: <GraphPage />,
    allow: (me) => can(me, 'risk:decide'),
  },
];
