import { AlertOutlined, BarChartOutlined, CheckSquareOutlined, FunnelPlotOutlined } from '@ant-design/icons';
import { can } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { Overdue } from './Overdue.tsx';
import { Pipeline } from './Pipeline.tsx';
import { ProspectPage } from './ProspectPage.tsx';
import { Reasons } from './Reasons.tsx';
import { Tasks } from './Tasks.tsx';

/** The CRM sales pipeline: prospects by intent stage, follow-ups, the manager's views. */
export const routes: AreaRoute[] = [
  {
    path: '/staff/pipeline',
    element: <Pipeline />,
    allow: (me) => can(me, 'crm:follow'),
    nav: { label: 'staffPipeline:nav.pipeline', icon: <FunnelPlotOutlined />, group: 'staff', order: 90 },
  },
  { path: '/staff/pipeline/prospects/:id', element: <ProspectPage />, allow: (me) => can(me, 'crm:follow') },
  {
    path: '/staff/pipeline/tasks',
    element: <Tasks />,
    allow: (me) => can(me, 'crm:follow'),
    nav: { label: 'staffPipeline:nav.tasks', icon: <CheckSquareOutlined />, group: 'staff', order: 91 },
  },
  {
    path: '/staff/pipeline/overdue',
    element: <Overdue />,
    allow: (me) => can(me, 'crm:manage'),
    nav: { label: 'staffPipeline:nav.overdue', icon: <AlertOutlined />, group: 'staff', order: 92 },
  },
  {
    path: '/staff/pipeline/reasons',
    element: <Reasons />,
    allow: (me) => can(me, 'crm:read'),
    nav: { label: 'staffPipeline:nav.reasons', icon: <BarChartOutlined />, group: 'staff', order: 93 },
  },
];
