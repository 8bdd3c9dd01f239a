import { ControlOutlined, FundOutlined, WalletOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Funding } from './Funding.tsx';
import { LineDetail } from './LineDetail.tsx';
import { Lines } from './Lines.tsx';
import { LineProducts } from './Products.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/credit',
    element: <Lines />,
    allow: (me) => can(me, 'credit:read'),
    nav: { label: 'staffCredit:nav.lines', icon: <WalletOutlined />, group: 'staff', order: 17 },
  },
  { path: '/staff/credit/lines/:id', element: <LineDetail />, allow: (me) => can(me, 'credit:read') },
  {
    path: '/staff/credit/products',
    element: <LineProducts />,
    allow: (me) => can(me, 'credit:read'),
    nav: { label: 'staffCredit:nav.products', icon: <ControlOutlined />, group: 'staff', order: 62 },
  },
  {
    path: '/staff/credit/funding',
    element: <Funding />,
    allow: (me) => can(me, 'credit:read'),
    nav: { label: 'staffCredit:nav.funding', icon: <FundOutlined />, group: 'staff', order: 42 },
  },
];
