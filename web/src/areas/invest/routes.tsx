import { FundOutlined, PieChartOutlined, RobotOutlined, SwapOutlined } from '@ant-design/icons';
import { isCustomer } from '../../session.tsx';
import type { AreaRoute } from '../types.ts';
import { AutoInvest } from './AutoInvest.tsx';
import { Investments } from './Investments.tsx';
import { ListingDetail } from './ListingDetail.tsx';
import { Market } from './Market.tsx';
import { NoteMarket } from './NoteMarket.tsx';

export const routes: AreaRoute[] = [
  {
    path: '/market',
    element: <Market />,
    // A visitor may look (read-only): a listing's page asks them to sign in first.
    visitor: <Market />,
    allow: isCustomer,
    nav: { label: 'nav.market', icon: <FundOutlined />, group: 'personal', order: 30 },
  },
  { path: '/market/:id', element: <ListingDetail />, allow: isCustomer },
  {
    path: '/investments',
    element: <Investments />,
    allow: isCustomer,
    nav: { label: 'nav.investments', icon: <PieChartOutlined />, group: 'personal', order: 40 },
  },
  {
    path: '/note-market',
    element: <NoteMarket />,
    allow: isCustomer,
    nav: { label: 'nav.noteMarket', icon: <SwapOutlined />, group: 'personal', order: 45 },
  },
  {
    path: '/auto-invest',
    element: <AutoInvest />,
    allow: isCustomer,
    nav: { label: 'nav.autoInvest', icon: <RobotOutlined />, group: 'personal', order: 46 },
  },
];
