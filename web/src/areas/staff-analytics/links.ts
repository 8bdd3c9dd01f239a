import { can, type Me } from '../../session.tsx';

/** The lists behind the figures (kept apart from the charts' specs, which load with the pages). */
const BUCKETS_WITH_CASES = new Set(['M1', 'M2', 'M3', 'M3+']);
const BUCKETS = new Set(['current', 'M1', 'M2', 'M3', 'M3+']);

/** The users list, for who may open it. */
export const usersList = (me: Me | null | undefined) => (can(me, 'users:read') ? '/staff/users' : undefined);
/** The collection cases of a bucket (M1 to M3+), for who may work them. */
export const casesOf = (me: Me | null | undefined, bucket?: string) =>
  can(me, 'collections:work') && (bucket === undefined || BUCKETS_WITH_CASES.has(bucket))
    ? `/staff/collections${bucket ? `?stage=${encodeURIComponent(bucket)}` : ''}`
    : undefined;
/** The risk officers' review queue (the referred applications behind the approval figures). */
export const reviewQueue = (me: Me | null | undefined) =>
  can(me, 'risk:decide') ? '/staff/reviews' : undefined;

/** The staff list of loans with the filters given (the names its address and the API use). */
export const loansOf = (me: Me | null | undefined, filters: Readonly<Record<string, string>>) =>
  can(me, 'lending:read') ? `/staff/loans?${new URLSearchParams(filters).toString()}` : undefined;

/** Loans in a days-past-due bucket now (the analytics' buckets; the test data may name others). */
export const loansInBucket = (me: Me | null | undefined, bucket: string) =>
  BUCKETS.has(bucket) ? loansOf(me, { status: 'active', bucket }) : undefined;

/** The last day of the period that starts on `start` (a day, the week from a Monday, a month). */
export function periodEnd(start: string, granularity: 'day' | 'week' | 'month'): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const end =
    granularity === 'day'
      ? new Date(Date.UTC(y, m - 1, d))
      : granularity === 'week'
        ? new Date(Date.UTC(y, m - 1, d + 6))
        : new Date(Date.UTC(y, m, 0));
  return end.toISOString().slice(0, 10);
}

export const AREAS = ['users', 'marketplace', 'risk', 'liquidity'] as const;
export type Area = (typeof AREAS)[number];
