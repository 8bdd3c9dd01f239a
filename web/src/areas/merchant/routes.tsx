import { ShopOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { MerchantPage } from './MerchantPage.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/merchant',
    element: <MerchantPage />,
    allow: (me) => can(me, 'merchant:sell'),
    nav: { label: 'nav.merchant', icon: <ShopOutlined />, group: 'merchant', order: 0 },
  },
];
