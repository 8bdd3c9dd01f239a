import { CreditCardOutlined } from '@ant-design/icons';
import { isCustomer } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { MyCredit } from './MyCredit.tsx';
import { StatementPage } from './StatementDetail.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/credit',
    element: <MyCredit />,
    allow: isCustomer,
    nav: { label: 'credit:nav', icon: <CreditCardOutlined />, group: 'personal', order: 55 },
  },
  { path: '/credit/statements/:id', element: <StatementPage />, allow: isCustomer },
];
