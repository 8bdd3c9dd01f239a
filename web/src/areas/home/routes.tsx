import { HomeOutlined } from '@ant-design/icons';
import type { AreaRoute } from '../types.ts';
import { Home } from './Home.tsx';
import { Landing } from './Landing.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/',
    element: <Home />,
    // A visitor gets the public home page (figures, open listings, how it works, sign up).
    visitor: <Landing />,
    nav: { label: 'nav.home', icon: <HomeOutlined />, group: 'personal', order: 0 },
  },
];
