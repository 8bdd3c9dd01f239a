import { BarChartOutlined, CustomerServiceOutlined, SettingOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { FiguresPage } from './FiguresPage.tsx';
import { InboxPage } from './InboxPage.tsx';
import { SettingsPage } from './SettingsPage.tsx';

/**
 * The CRM service inbox: the queue, a ticket's conversation, answers, notes, SLA timers; its settings
 * (SLA targets, categories, canned answers) and its figures.
 */
export const routes: AreaRoute[] = [
  {
    path: '/staff/inbox',
    element: <InboxPage />,
    allow: (me) => can(me, 'crm:serve'),
    nav: { label: 'staffInbox:nav.inbox', icon: <CustomerServiceOutlined />, group: 'staff', order: 8 },
  },
  {
    path: '/staff/inbox/settings',
    element: <SettingsPage />,
    // Reading the settings and canned answers is crm:serve's; changing them crm:manage's.
    allow: (me) => can(me, 'crm:serve'),
    nav: { label: 'staffInbox:nav.settings', icon: <SettingOutlined />, group: 'staff', order: 8.5 },
  },
  {
    path: '/staff/inbox/figures',
    element: <FiguresPage />,
    allow: (me) => can(me, 'crm:read'),
    nav: { label: 'staffInbox:nav.figures', icon: <BarChartOutlined />, group: 'staff', order: 9 },
  },
  { path: '/staff/inbox/:id', element: <InboxPage />, allow: (me) => can(me, 'crm:serve') },
];
