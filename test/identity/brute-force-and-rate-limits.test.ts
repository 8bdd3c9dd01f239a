import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { latestCode, newPhone, signUp } from '../support/users.ts';

let t: TestApp;
beforeAll(async () => {
  // This file checks the per-address limits too, with small ones: three a minute, twelve a day.
  t = await openTestApp({ identity: { smsPerIpPerMinute: 3, smsPerIpPerDay: 12 } });
});
afterAll(() => t.close());

const codeFor = (phone: string, ip = '10.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/v1/auth/sms-codes',
    payload: { phone, purpose: 'sign_up' },
    remoteAddress: ip,
  });

describe('brute force and abuse', () => {
  it('locks an account after five wrong passwords, even for the right one, until the lock ends', async () => {
    const user = await signUp(t);
    for (let i = 0; i < 5; i++) {
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/sign-in',
        payload: { phone: user.phone, password: `wrong${i}xx9` },
      });
      expect(wrong.json().error.code).toBe('invalid_credentials');
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: user.phone, password: user.password },
    });
    expect(locked.statusCode).toBe(422);
    expect(locked.json().error.code).toBe('account_locked');
    t.clock.advanceSeconds(15 * 60 + 1);
    const unlocked = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: user.phone, password: user.password },
    });
    expect(unlocked.statusCode).toBe(200);
  });

  it('answers an unknown number exactly as a wrong password', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: newPhone(), password: 'whatever1' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('invalid_credentials');
  });

  it('gives an SMS code five tries', async () => {
    const phone = newPhone();
    expect((await codeFor(phone, '10.0.1.1')).statusCode).toBe(202);
    const code = await latestCode(t, phone);
    const wrong = code === '111111' ? '222222' : '111111';
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const attempt = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/sign-up',
        payload: { phone, password: 'secret123', code: wrong, acceptTerms: true },
      });
      codes.push(attempt.json().error.code);
    }
    expect(codes).toEqual([
      'sms_code_incorrect',
      'sms_code_incorrect',
      'sms_code_incorrect',
      'sms_code_incorrect',
      'sms_code_attempts_exceeded',
    ]);
    // The right code is no good any more.
    const late = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { phone, password: 'secret123', code, acceptTerms: true },
    });
    expect(late.json().error.code).toBe('sms_code_attempts_exceeded');
  });

  it('lets a code expire after five minutes', async () => {
    const phone = newPhone();
    t.clock.advanceSeconds(61);
    expect((await codeFor(phone, '10.0.2.1')).statusCode).toBe(202);
    const code = await latestCode(t, phone);
    t.clock.advanceSeconds(301);
    const late = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: { phone, password: 'secret123', code, acceptTerms: true },
    });
    expect(late.json().error.code).toBe('sms_code_expired');
  });

  it('sends at most one code a minute and ten a day to a number', async () => {
    const phone = newPhone();
    const results: number[] = [];
    for (let i = 0; i < 12; i++) {
      results.push((await codeFor(phone, `10.1.0.${i}`)).statusCode);
      if (i === 0) results.push((await codeFor(phone, '10.1.1.1')).statusCode); // a second within the minute
      t.clock.advanceSeconds(61);
    }
    expect(results.filter((s) => s === 202)).toHaveLength(10);
    expect(results[1]).toBe(429);
    const refused = await codeFor(phone, '10.1.2.2');
    expect(refused.json().error.code).toBe('sms_code_daily_limit_reached');
    t.clock.advanceSeconds(86_400);
    expect((await codeFor(phone, '10.1.3.3')).statusCode).toBe(202);
  });

  it('lets several people behind one address ask at once, up to the per-minute and daily limits', async () => {
    const ip = '10.9.9.9';
    // Three people behind one carrier address, in the same second: all three get their codes.
    for (let i = 0; i < 3; i++) expect((await codeFor(newPhone(), ip)).statusCode).toBe(202);
    t.clock.advanceSeconds(20);
    const soon = await codeFor(newPhone(), ip);
    expect(soon.statusCode).toBe(429);
    expect(soon.json().error.code).toBe('sms_code_requested_too_often');
    // The first of the three leaves the minute 40 seconds from now.
    expect(soon.json().error.details).toEqual({ retryAfterSeconds: 40 });
    expect(soon.headers['retry-after']).toBe('40');
    t.clock.advanceSeconds(40);
    expect((await codeFor(newPhone(), ip)).statusCode).toBe(202);
    // Twelve a day: eight more, a minute apart, then the address waits for its first code to age out.
    for (let i = 0; i < 8; i++) {
      t.clock.advanceSeconds(61);
      expect((await codeFor(newPhone(), ip)).statusCode).toBe(202);
    }
    t.clock.advanceSeconds(61);
    const daily = await codeFor(newPhone(), ip);
    expect(daily.json().error.code).toBe('sms_code_daily_limit_reached');
    const elapsed = 20 + 40 + 9 * 61;
    expect(daily.json().error.details).toEqual({ retryAfterSeconds: 86_400 - elapsed });
    expect(daily.json().error.message).toMatch(/try again in 24 hours/);
    t.clock.advanceSeconds(86_400 - elapsed);
    expect((await codeFor(newPhone(), ip)).statusCode).toBe(202);
  });

  it('tells a number how long to wait for its next code', async () => {
    const phone = newPhone();
    expect((await codeFor(phone, '10.7.0.1')).statusCode).toBe(202);
    t.clock.advanceSeconds(15);
    const again = await codeFor(phone, '10.7.0.2');
    expect(again.json().error).toMatchObject({
      code: 'sms_code_requested_too_often',
      message: 'wait 45 seconds before asking for another code',
      details: { retryAfterSeconds: 45 },
    });
  });

  it('locks the payment password after five wrong tries', async () => {
    const user = await signUp(t);
    const set = await t.app.inject({
      method: 'POST',
      url: '/v1/me/payment-password',
      headers: user.headers,
      payload: { paymentPassword: '135790', accountPassword: user.password },
    });
    expect(set.statusCode).toBe(204);
    const simple = await t.app.inject({
      method: 'POST',
      url: '/v1/me/payment-password',
      headers: user.headers,
      payload: { paymentPassword: '123456', accountPassword: user.password },
    });
    expect(simple.json().error.code).toBe('payment_password_too_simple');
    const kyc = t.platform.identity.kyc;
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(
        await kyc.checkPaymentPassword(user.userId, '000001').then(
          () => 'ok',
          (e: { code: string }) => e.code,
        ),
      );
    }
    expect(outcomes).toEqual([
      'payment_password_incorrect',
      'payment_password_incorrect',
      'payment_password_incorrect',
      'payment_password_incorrect',
      'payment_password_locked',
      'payment_password_locked',
    ]);
    await expect(kyc.checkPaymentPassword(user.userId, '135790')).rejects.toMatchObject({
      code: 'payment_password_locked',
    });
    t.clock.advanceSeconds(3 * 3600 + 1);
    await expect(kyc.checkPaymentPassword(user.userId, '135790')).resolves.toBeUndefined();
  });
});
