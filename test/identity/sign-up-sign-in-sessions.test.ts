import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { latestCode, newPhone, signUp } from '../support/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('a person signs up, signs in and manages sessions', () => {
  it('signs up with an SMS code, then sees their masked profile', async () => {
    const user = await signUp(t);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      id: user.userId,
      roles: ['customer'],
      kycLevel: 0,
      phone: `${user.phone.slice(0, 3)}****${user.phone.slice(7)}`,
    });
    // Nothing personal is stored in clear, and the password is an argon2id hash.
    const row = await sql<{
      phone_enc: string;
      password_hash: string;
    }>`select phone_enc, password_hash from users where id = ${user.userId}`.execute(t.platform.db);
    expect(row.rows[0]!.phone_enc).not.toContain(user.phone);
    expect(row.rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a second account for the same number, and a wrong code', async () => {
    const user = await signUp(t);
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { phone: user.phone, password: 'another123', code: '000000', acceptTerms: true },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('phone_already_registered');
    const phone = newPhone();
    await t.app.inject({ method: 'POST', url: '/v1/auth/sms-codes', payload: { phone, purpose: 'sign_up' } });
    const real = await latestCode(t, phone);
    const wrong = real === '123456' ? '654321' : '123456';
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { phone, password: 'secret123', code: wrong, acceptTerms: true },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('sms_code_incorrect');
    t.clock.advanceSeconds(61);
  });

  it('refuses weak passwords and malformed numbers', async () => {
    const weak = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { phone: newPhone(), password: 'short', code: '123456', acceptTerms: true },
    });
    expect(weak.json().error.code).toBe('password_too_weak');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sms-codes',
      payload: { phone: '12345', purpose: 'sign_up' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('phone_malformed');
  });

  it('signs in with a bearer token and with the httpOnly cookie, lists and revokes sessions, signs out', async () => {
    const user = await signUp(t);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: user.phone, password: user.password },
    });
    expect(signIn.statusCode).toBe(200);
    const cookie = signIn.headers['set-cookie'] as string;
    expect(cookie).toMatch(/^netfin_session=nfs_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const viaCookie = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(viaCookie.statusCode).toBe(200);

    const sessions = await t.app.inject({ method: 'GET', url: '/v1/me/sessions', headers: user.headers });
    expect(sessions.json().items).toHaveLength(2);
    const other = sessions.json().items.find((s: { current: boolean }) => !s.current);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/me/sessions/${other.id}`,
      headers: user.headers,
    });
    expect(revoked.statusCode).toBe(204);
    const dead = await t.app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(dead.statusCode).toBe(401);

    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out', headers: user.headers });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('authentication_required');
  });

  it('expires sessions after their time', async () => {
    const user = await signUp(t);
    t.clock.advanceSeconds(t.platform.config.identity.sessionTtlHours * 3600 + 1);
    const expired = await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers });
    expect(expired.statusCode).toBe(401);
  });

  it('resets the password with an SMS code and signs out every session', async () => {
    const user = await signUp(t);
    const sent = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sms-codes',
      payload: { phone: user.phone, purpose: 'reset_password' },
    });
    expect(sent.statusCode).toBe(202);
    const code = await latestCode(t, user.phone);
    const reset = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset',
      payload: { phone: user.phone, code, newPassword: 'brandnew99' },
    });
    expect(reset.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers })).statusCode).toBe(
      401,
    );
    const oldPassword = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: user.phone, password: user.password },
    });
    expect(oldPassword.statusCode).toBe(401);
    const newPassword = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: user.phone, password: 'brandnew99' },
    });
    expect(newPassword.statusCode).toBe(200);
    // A reset code for an unknown number is "sent" too (no account enumeration), but nothing goes out.
    const unknown = newPhone();
    const ghost = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sms-codes',
      payload: { phone: unknown, purpose: 'reset_password' },
    });
    expect(ghost.statusCode).toBe(202);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/dev/inbox?phone=${unknown}` })).json().items,
    ).toEqual([]);
    t.clock.advanceSeconds(61);
  });

  it('records security events in the append-only audit log', async () => {
    const user = await signUp(t);
    const log = await sql<{
      action: string;
    }>`select action from audit_log where subject_id = ${user.userId} order by at`.execute(t.platform.db);
    expect(log.rows.map((r) => r.action)).toContain('user.signed_up');
    await expect(
      sql`update audit_log set action = 'x' where subject_id = ${user.userId}`.execute(t.platform.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from audit_log where subject_id = ${user.userId}`.execute(t.platform.db),
    ).rejects.toThrow(/append-only/);
  });
});
