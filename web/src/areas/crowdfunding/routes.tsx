import { BulbOutlined, GiftOutlined, RocketOutlined } from '@ant-design/icons';
import { isCustomer } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { ManageProject } from './ManageProject.tsx';
import { MyBackings } from './MyBackings.tsx';
import { MyProjects } from './MyProjects.tsx';
import { NewProject } from './ProjectEditor.tsx';
import { ProjectPage } from './ProjectPage.tsx';
import { Projects } from './Projects.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/crowdfunding',
    element: <Projects />,
    // Anyone may look: backing a project asks a visitor to sign in first.
    visitor: <Projects />,
    allow: isCustomer,
    nav: { label: 'crowdfunding:nav.discover', icon: <RocketOutlined />, group: 'personal', order: 47 },
  },
  {
    path: '/crowdfunding/projects/:id',
    element: <ProjectPage />,
    visitor: <ProjectPage />,
    allow: isCustomer,
  },
  {
    path: '/crowdfunding/backings',
    element: <MyBackings />,
    allow: isCustomer,
    nav: { label: 'crowdfunding:nav.backings', icon: <GiftOutlined />, group: 'personal', order: 48 },
  },
  {
    path: '/crowdfunding/mine',
    element: <MyProjects />,
    allow: isCustomer,
    nav: { label: 'crowdfunding:nav.projects', icon: <BulbOutlined />, group: 'personal', order: 49 },
  },
  { path: '/crowdfunding/mine/new', element: <NewProject />, allow: isCustomer },
  { path: '/crowdfunding/mine/:id', element: <ManageProject />, allow: isCustomer },
];
