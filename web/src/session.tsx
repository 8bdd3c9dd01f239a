import { useQuery, useQueryClient } from '@tanstack/react-query';
import { allows, type Permission, type Role } from '../../src/identity/roles.ts';
import { api } from './api.ts';

/** The signed-in user, as GET /v1/me gives it (personal data masked). */
export interface Me {
  readonly id: string;
  readonly phone: string;
  readonly displayName: string | null;
  readonly roles: Role[];
  readonly kycLevel: number;
  readonly realName: string | null;
  readonly idNumber: string | null;
  readonly birthDate: string | null;
  readonly hasPaymentPassword: boolean;
  readonly isStaff: boolean;
  readonly status: string;
  readonly createdAt: string;
}

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    // GET /v1/session answers 200 signed in or not, so that a visitor's browser logs no failed request.
    queryFn: async () => (await api.get<{ user: Me | null }>('/v1/session')).user,
    staleTime: 30_000,
  });
}

/** May this user do that? The same table the server checks (src/identity/roles.ts). */
export function can(me: Me | null | undefined, permission: Permission): boolean {
  return !!me && allows(me.roles, permission);
}

export function isCustomer(me: Me | null | undefined): boolean {
  return !!me && me.roles.includes('customer');
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api.post('/v1/auth/sign-out').catch(() => undefined);
    client.clear();
    client.setQueryData(['me'], null);
  };
}
