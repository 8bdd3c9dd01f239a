import { CustomerServiceOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { InboxPage } from './InboxPage.tsx';

/** The CRM service inbox: the queue, a ticket's conversation, answers, notes, SLA timers. */
export const routes: AreaRoute[] = [
  {
    path: '/staff/inbox',
    element: <InboxPage />,
    allow: (me) => can(me, 'crm:serve'),
    nav: { label: 'staffInbox:nav.inbox', icon: <CustomerServiceOutlined />, group: 'staff', order: 8 },
  },
  { path: '/staff/inbox/:id', element: <InboxPage />, allow: (me) => can(me, 'crm:serve') },
];
