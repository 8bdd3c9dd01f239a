import { AppstoreOutlined, FileDoneOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Products } from './Products.tsx';
import { SecondReview } from './SecondReview.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/second-review',
    element: <SecondReview />,
    allow: (me) => can(me, 'lending:review'),
    nav: { label: 'nav.secondReview', icon: <FileDoneOutlined />, group: 'staff', order: 15 },
  },
  {
    path: '/staff/products',
    element: <Products />,
    allow: (me) => can(me, 'lending:read'),
    nav: { label: 'nav.products', icon: <AppstoreOutlined />, group: 'staff', order: 60 },
  },
];
