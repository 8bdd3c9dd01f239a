import {
  AuditOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { can } from '../../session.tsx';
import { Verify } from '../contracts/Verify.tsx';
import type { AreaRoute } from '../types.ts';
import { ContractDetail } from './ContractDetail.tsx';
import { Contracts } from './Contracts.tsx';
import { Reviews } from './Reviews.tsx';
import { TemplateEditor } from './TemplateEditor.tsx';
import { Templates } from './Templates.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/staff/contracts',
    element: <Contracts />,
    allow: (me) => can(me, 'contracts:read'),
    nav: { label: 'staffContracts:nav.contracts', icon: <FileSearchOutlined />, group: 'staff', order: 70 },
  },
  { path: '/staff/contracts/:id', element: <ContractDetail />, allow: (me) => can(me, 'contracts:read') },
  {
    path: '/staff/contract-templates',
    element: <Templates />,
    allow: (me) => can(me, 'contracts:read'),
    nav: { label: 'staffContracts:nav.templates', icon: <FileTextOutlined />, group: 'staff', order: 71 },
  },
  {
    path: '/staff/contract-templates/:id',
    element: <TemplateEditor />,
    allow: (me) => can(me, 'contracts:read'),
  },
  {
    path: '/staff/contract-reviews',
    element: <Reviews />,
    allow: (me) => can(me, 'contracts:manage'),
    nav: { label: 'staffContracts:nav.reviews', icon: <AuditOutlined />, group: 'staff', order: 72 },
  },
  {
    path: '/staff/contract-verify',
    element: <Verify />,
    allow: (me) => can(me, 'contracts:read'),
    nav: {
      label: 'staffContracts:nav.verify',
      icon: <SafetyCertificateOutlined />,
      group: 'staff',
      order: 73,
    },
  },
];
