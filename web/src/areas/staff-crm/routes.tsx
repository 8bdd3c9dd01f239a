import { CrownOutlined, IdcardOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Classes } from './Classes.tsx';
import { Customers } from './Customers.tsx';
import { PortraitPage } from './PortraitPage.tsx';

/** CRM (issue 20): customer portraits, the customers list by class and tag, the class dashboard. */
export const routes: AreaRoute[] = [
  {
    path: '/staff/crm/customers',
    element: <Customers />,
    allow: (me) => can(me, 'crm:read'),
    nav: { label: 'staffCrm:nav.customers', icon: <IdcardOutlined />, group: 'staff', order: 6 },
  },
  { path: '/staff/crm/customers/:userId', element: <PortraitPage />, allow: (me) => can(me, 'crm:read') },
  {
    path: '/staff/crm/classes',
    element: <Classes />,
    allow: (me) => can(me, 'crm:read'),
    nav: { label: 'staffCrm:nav.classes', icon: <CrownOutlined />, group: 'staff', order: 7 },
  },
];
