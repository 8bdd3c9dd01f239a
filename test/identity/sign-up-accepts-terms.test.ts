import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { latestCode, newPhone, signUp } from '../support/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

async function userCount(): Promise<number> {
  const rows = await sql<{ n: string }>`select count(*)::text as n from users`.execute(t.platform.db);
  return Number(rows.rows[0]!.n);
}

describe('signing up accepts the user agreement and the privacy policy', () => {
  it('refuses a sign-up without the agreement, and writes nothing', async () => {
    const phone = newPhone();
    await t.app.inject({ method: 'POST', url: '/v1/auth/sms-codes', payload: { phone, purpose: 'sign_up' } });
    const code = await latestCode(t, phone);
    const before = await userCount();
    for (const acceptTerms of [undefined, false, 'yes']) {
      const refused = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/sign-up',
        payload: {
          phone,
          password: 'secret123',
          code,
          ...(acceptTerms === undefined ? {} : { acceptTerms }),
        },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('terms_not_accepted');
    }
    expect(await userCount()).toBe(before);
    // The code was not spent by the refusals: ticking the box then signs up with it.
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { phone, password: 'secret123', code, acceptTerms: true },
    });
    expect(accepted.statusCode).toBe(201);
    t.clock.advanceSeconds(61);
  });

  it('records the acceptance with the text versions, address and user agent, listed among my consents', async () => {
    const user = await signUp(t);
    const rows = await sql<{
      purpose: string;
      granted: boolean;
      text_version: string;
      source: string;
      ip: string | null;
      user_agent: string | null;
    }>`select purpose, granted, text_version, source, ip, user_agent from privacy_consents
       where user_id = ${user.userId}::uuid order by purpose`.execute(t.platform.db);
    expect(rows.rows).toEqual([
      expect.objectContaining({
        purpose: 'privacy_policy',
        granted: true,
        text_version: 'privacy-2026-12',
        source: 'sign_up',
      }),
      expect.objectContaining({
        purpose: 'terms',
        granted: true,
        text_version: 'terms-2026-12',
        source: 'sign_up',
      }),
    ]);
    expect(rows.rows[0]!.ip).toBeTruthy();
    expect(rows.rows[0]!.user_agent).toBeTruthy();

    const mine = await t.app.inject({ method: 'GET', url: '/v1/me/consents', headers: user.headers });
    const body = mine.json() as {
      purposes: { purpose: string; granted: boolean; changeable: boolean }[];
      history: { purpose: string; source: string }[];
    };
    expect(body.purposes.find((p) => p.purpose === 'terms')).toMatchObject({
      granted: true,
      changeable: false,
    });
    expect(body.purposes.find((p) => p.purpose === 'marketing')).toMatchObject({ changeable: true });
    expect(
      body.history
        .filter((h) => h.source === 'sign_up')
        .map((h) => h.purpose)
        .sort(),
    ).toEqual(['privacy_policy', 'terms']);

    // Accepted once: a switch does not withdraw it.
    const withdraw = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/consents/terms',
      headers: user.headers,
      payload: { granted: false },
    });
    expect(withdraw.statusCode).toBe(422);
    expect(withdraw.json().error.code).toBe('consent_accepted_at_sign_up');
  });
});
