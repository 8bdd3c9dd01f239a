import { BankOutlined, FileTextOutlined } from '@ant-design/icons';
import { isCustomer } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Apply } from './Apply.tsx';
import { LoanDetail } from './LoanDetail.tsx';
import { Loans } from './Loans.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/borrow',
    element: <Apply />,
    allow: isCustomer,
    nav: { label: 'nav.borrow', icon: <BankOutlined />, group: 'personal', order: 50 },
  },
  {
    path: '/loans',
    element: <Loans />,
    allow: isCustomer,
    nav: { label: 'nav.loans', icon: <FileTextOutlined />, group: 'personal', order: 60 },
  },
  { path: '/loans/:id', element: <LoanDetail />, allow: isCustomer },
];
