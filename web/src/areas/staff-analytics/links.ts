import { can, type Me } from '../../session.tsx';

/** The lists behind the figures (kept apart from the charts' specs, which load with the pages). */
const BUCKETS_WITH_CASES = new Set(['M1', 'M2', 'M3', 'M3+']);

/** The users list, for who may open it. */
export const usersList = (me: Me | null | undefined) => (can(me, 'users:read') ? '/staff/users' : undefined);
/** The collection cases of a bucket (M1 to M3+), for who may work them. */
export const casesOf = (me: Me | null | undefined, bucket?: string) =>
  can(me, 'collections:work') && (bucket === undefined || BUCKETS_WITH_CASES.has(bucket))
    ? `/staff/collections${bucket ? `?stage=${encodeURIComponent(bucket)}` : ''}`
    : undefined;

export const AREAS = ['users', 'marketplace', 'risk', 'liquidity'] as const;
export type Area = (typeof AREAS)[number];
