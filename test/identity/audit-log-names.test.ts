import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('the audit log names people', () => {
  it("gives each entry its actor's name and a user subject's name, never only ids", async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/staff',
      headers: asAdmin,
      payload: {
        phone: '13700000931',
        password: 'audit1234',
        displayName: '审计员李',
        roles: ['compliance'],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const staffId = created.json().userId as string;
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: '13700000931', password: 'audit1234' },
    });
    expect(signIn.statusCode).toBe(200);
    const customer = await signUp(t);

    const log = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/audit?limit=50',
      headers: asAdmin,
    });
    expect(log.statusCode, log.body).toBe(200);
    const items = log.json().items as {
      actorId: string;
      actorName: string | null;
      action: string;
      subjectId: string | null;
      subjectLabel: string | null;
    }[];
    // The staff member signing in: their display name.
    const signedIn = items.find((i) => i.action === 'security.signed_in' && i.actorId === staffId);
    expect(signedIn).toMatchObject({ actorName: '审计员李', subjectLabel: '审计员李' });
    // A customer without a display name: the number, masked.
    const signedUp = items.find((i) => i.action === 'user.signed_up' && i.actorId === customer.userId);
    const masked = `${customer.phone.slice(0, 3)}****${customer.phone.slice(7)}`;
    expect(signedUp).toMatchObject({ actorName: masked, subjectLabel: masked });
    // The administrator's token is no user: no name, the page says who in words.
    const staffCreated = items.find((i) => i.action === 'staff.created' && i.subjectId === staffId);
    expect(staffCreated).toMatchObject({ actorId: 'admin-token', actorName: null, subjectLabel: '审计员李' });
  });
});
