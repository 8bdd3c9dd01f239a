import { HomeOutlined } from '@ant-design/icons';
import type { AreaRoute } from '../types.ts';
import { Home } from './Home.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/',
    element: <Home />,
    nav: { label: 'nav.home', icon: <HomeOutlined />, group: 'personal', order: 0 },
  },
];
