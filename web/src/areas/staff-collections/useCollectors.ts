import { useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import { can, useMe } from '../../session.tsx';
import type { Collector } from './types.ts';

interface UserRow {
  id: string;
  displayName: string | null;
  phone: string;
}

/** Supervisors only: the collectors with their names (from the users list, which they may read). */
export function useCollectors() {
  const me = useMe();
  const supervisor = can(me.data, 'collections:supervise');
  const collectors = useQuery({
    queryKey: ['collections', 'collectors'],
    queryFn: () => api.get<{ items: Collector[] }>('/v1/collections/collectors'),
    enabled: supervisor,
  });
  const users = useQuery({
    queryKey: ['collections', 'collector-users'],
    queryFn: () => api.get<{ items: UserRow[] }>('/v1/admin/users', { role: 'collector', limit: 200 }),
    enabled: supervisor && can(me.data, 'users:read'),
  });
  const names = new Map((users.data?.items ?? []).map((u) => [u.id, u.displayName ?? u.phone]));
  const nameOf = (id: string | null | undefined) => {
    if (!id) return '—';
    if (id === me.data?.id) return me.data.displayName ?? me.data.phone;
    return names.get(id) ?? id.slice(-8);
  };
  return { supervisor, collectors, nameOf };
}
