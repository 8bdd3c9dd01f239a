import { WalletOutlined } from '@ant-design/icons';
import { isCustomer } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Wallet } from './Wallet.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/wallet',
    element: <Wallet />,
    allow: isCustomer,
    nav: { label: 'common:nav.wallet', icon: <WalletOutlined />, group: 'personal', order: 10 },
  },
];
