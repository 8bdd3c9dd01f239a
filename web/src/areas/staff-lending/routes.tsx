import { AppstoreOutlined, FileDoneOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { LoanList } from './LoanList.tsx';
import { Products } from './Products.tsx';
import { SecondReview } from './SecondReview.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/loans',
    element: <LoanList />,
    allow: (me) => can(me, 'lending:read'),
    nav: { label: 'nav.staffLoans', icon: <UnorderedListOutlined />, group: 'staff', order: 14 },
  },
  {
    path: '/staff/second-review',
    element: <SecondReview />,
    allow: (me) => can(me, 'lending:review'),
    nav: { label: 'nav.secondReview', icon: <FileDoneOutlined />, group: 'staff', order: 15 },
  },
  {
    path: '/staff/products',
    element: <Products />,
    // Those who make, review or run loans; collectors and legal read loans only within their cases and contracts.
    allow: (me) => can(me, 'lending:manage') || can(me, 'lending:review') || can(me, 'lending:operate'),
    nav: { label: 'nav.products', icon: <AppstoreOutlined />, group: 'staff', order: 60 },
  },
];
