import { FileProtectOutlined } from '@ant-design/icons';
import { isCustomer } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { MyContracts } from './MyContracts.tsx';
import { Verify } from './Verify.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/contracts',
    element: <MyContracts />,
    allow: isCustomer,
    nav: { label: 'contracts:nav', icon: <FileProtectOutlined />, group: 'personal', order: 80 },
  },
  { path: '/contracts/verify', element: <Verify /> },
];
