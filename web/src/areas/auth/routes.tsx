import type { AreaRoute } from '../types.ts';
import { SignIn } from './SignIn.tsx';
import { SignUp } from './SignUp.tsx';

export const routes: AreaRoute[] = [
  { path: '/sign-in', element: <SignIn />, public: true },
  { path: '/sign-up', element: <SignUp />, public: true },
];
