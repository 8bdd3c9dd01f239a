import { expect } from 'vitest';
import { ADMIN_TOKEN as ADMIN_PRINCIPAL, type AuditContext, type Role } from '../../src/identity/index.ts';
import { asAdmin, type TestApp } from './platform.ts';
import { newPhone } from './users.ts';

/** What the CRM pipeline's tests share: staff who sign in, and requests as they would send them. */
export interface Staff {
  readonly userId: string;
  readonly phone?: string;
  /** Replaced by signInAgain when the clock has moved past the session's life. */
  readonly headers: { authorization: string };
}

export const adminAudit: AuditContext = { principal: ADMIN_PRINCIPAL, ip: null, userAgent: null };

export async function staff(t: TestApp, role: Role, name: string): Promise<Staff> {
  const phone = newPhone();
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/staff',
    headers: asAdmin,
    payload: { phone, password: 'pipeline123', displayName: name, roles: [role] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const signIn = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-in',
    payload: { phone, password: 'pipeline123' },
  });
  expect(signIn.statusCode, signIn.body).toBe(200);
  return {
    userId: created.json().userId as string,
    phone,
    headers: { authorization: `Bearer ${signIn.json().token}` },
  };
}

/** Signs a member of staff in again (after the test clock moved past their session's life). */
export async function signInAgain(t: TestApp, who: Staff): Promise<void> {
  const signIn = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-in',
    payload: { phone: who.phone, password: 'pipeline123' },
  });
  expect(signIn.statusCode, signIn.body).toBe(200);
  who.headers.authorization = `Bearer ${signIn.json().token}`;
}

export function post(
  t: TestApp,
  who: { headers: Record<string, string> },
  url: string,
  payload: object,
  key?: string,
) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...who.headers, ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  });
}

export function get(t: TestApp, who: { headers: Record<string, string> }, url: string) {
  return t.app.inject({ method: 'GET', url, headers: who.headers });
}

export interface TaskJson {
  id: string;
  kind: string;
  status: string;
  dueOn: string;
  dueAt: string;
  overdue: boolean;
  owner: { id: string; name: string | null };
  suggestions: { id: string; title: { en: string; zh: string } }[];
  outcome: string | null;
}
export interface DetailJson {
  prospect: { id: string; stage: string; user: { id: string; name: string | null; phone: string | null } };
  history: { from: string | null; to: string; by: { id: string; name: string }; reasonCode: string | null }[];
  tasks: TaskJson[];
}
