import type { AreaRoute } from '../types.ts';
import { Disclosure } from './Disclosure.tsx';

export const routes: AreaRoute[] = [
  // Anyone may read it: signed out in the visitor's frame, signed in in the app's.
  { path: '/disclosure', element: <Disclosure />, visitor: <Disclosure /> },
];
