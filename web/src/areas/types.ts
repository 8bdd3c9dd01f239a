import type { ReactNode } from 'react';
import type { Me } from '../session.tsx';

/**
 * One page of the app. Each area (areas/NAME/routes.tsx) exports its pages as `routes`; the app finds
 * them at build time, so that an area adds pages and menu entries without touching the shell.
 */
export interface AreaRoute {
  readonly path: string;
  readonly element: ReactNode;
  /** Reachable signed out (sign-in, sign-up); every other page needs a session. */
  readonly public?: boolean;
  /**
   * What a visitor (signed out) sees here, in the visitor's frame, instead of being sent to sign in:
   * the public home page at `/`, the open listings at `/market`.
   */
  readonly visitor?: ReactNode;
  /** Who may open it; the server checks again. Default: any signed-in user. */
  readonly allow?: (me: Me) => boolean;
  /** A menu entry: its label (an i18n key, "namespace:key"), group and place. */
  readonly nav?: {
    readonly label: string;
    readonly icon: ReactNode;
    readonly group: 'personal' | 'merchant' | 'staff';
    readonly order: number;
  };
}
