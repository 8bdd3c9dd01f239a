import { createContext, useContext } from 'react';
import type { AreaRoute } from '../areas/types.ts';

/** Every page of the app, for pages that list others (the home page's shortcuts). */
export const RoutesContext = createContext<readonly AreaRoute[]>([]);

export function useRoutes(): readonly AreaRoute[] {
  return useContext(RoutesContext);
}
