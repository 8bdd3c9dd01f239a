import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { latestCode, newCardNumber, newPhone, signUp, uniqueIdNumber } from '../support/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const kyc = (headers: Record<string, string>, realName: string, idNumber: string) =>
  t.app.inject({ method: 'POST', url: '/v1/me/kyc', headers, payload: { realName, idNumber } });

describe('real-name verification', () => {
  it('verifies a name against a valid identity card number and computes the age', async () => {
    const user = await signUp(t);
    const idNumber = withCheckCharacter('11010519900307123');
    const verified = await kyc(user.headers, '李四', idNumber);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ kycLevel: 1, birthDate: '1990-03-07' });
    expect(verified.json().age).toBeGreaterThanOrEqual(35);
    const me = (await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers })).json();
    expect(me).toMatchObject({
      kycLevel: 1,
      realName: '李*',
      idNumber: `110***********${idNumber.slice(-4)}`,
    });
    // One identity, one account.
    const other = await signUp(t);
    const again = await kyc(other.headers, '李四', idNumber);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('identity_already_registered');
  });

  it.each([
    ['a bad check digit', '张三', '110105199003071230', 400, 'id_number_checksum_invalid'],
    ['a short number', '张三', '11010519900307', 400, 'id_number_malformed'],
    [
      'an impossible birth date',
      '张三',
      withCheckCharacter('11010519900230123'),
      400,
      'id_number_birth_date_invalid',
    ],
    ['an unknown region', '张三', withCheckCharacter('99010519900307123'), 400, 'id_number_region_invalid'],
    ['a name with digits', '张3', uniqueIdNumber(), 400, 'real_name_malformed'],
    [
      'a name the provider rejects',
      '王五',
      withCheckCharacter('11010519900307999'),
      422,
      'identity_mismatch',
    ],
    [
      'a provider that is down',
      '王五',
      withCheckCharacter('11010519900307998'),
      503,
      'identity_provider_unavailable',
    ],
  ])('refuses %s', async (_name, realName, idNumber, status, code) => {
    const user = await signUp(t);
    const response = await kyc(user.headers, realName, idNumber);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    const me = (await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers })).json();
    expect(me.kycLevel).toBe(0);
  });
});

describe('bank cards', () => {
  it('binds a card after the four-element check and a code to the reserved phone, masked everywhere', async () => {
    const user = await signUp(t);
    const early = await t.app.inject({
      method: 'POST',
      url: '/v1/me/cards',
      headers: user.headers,
      payload: { cardNumber: newCardNumber(), reservedPhone: newPhone() },
    });
    expect(early.json().error.code).toBe('identity_not_verified');
    expect((await kyc(user.headers, '赵六', uniqueIdNumber())).statusCode).toBe(200);

    const cardNumber = newCardNumber('621700');
    const reservedPhone = newPhone();
    const started = await t.app.inject({
      method: 'POST',
      url: '/v1/me/cards',
      headers: user.headers,
      payload: { cardNumber, reservedPhone },
    });
    expect(started.statusCode).toBe(201);
    expect(started.json()).toMatchObject({
      bankCode: 'CCB',
      status: 'pending_verification',
      maskedNumber: `6217 **** **** ${cardNumber.slice(-4)}`,
    });
    expect(started.body).not.toContain(cardNumber);
    const code = await latestCode(t, reservedPhone);
    const confirmed = await t.app.inject({
      method: 'POST',
      url: `/v1/me/cards/${started.json().id}/confirm`,
      headers: user.headers,
      payload: { code },
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'active', isDefault: true });
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers })).json().kycLevel,
    ).toBe(2);

    // A second card, made default; unbinding it hands the default back.
    t.clock.advanceSeconds(61);
    const phone2 = newPhone();
    const second = await t.app.inject({
      method: 'POST',
      url: '/v1/me/cards',
      headers: user.headers,
      payload: { cardNumber: newCardNumber('622588'), reservedPhone: phone2 },
    });
    await t.app.inject({
      method: 'POST',
      url: `/v1/me/cards/${second.json().id}/confirm`,
      headers: user.headers,
      payload: { code: await latestCode(t, phone2) },
    });
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/v1/me/cards/${second.json().id}/default`,
          headers: user.headers,
        })
      ).statusCode,
    ).toBe(204);
    let cards = (await t.app.inject({ method: 'GET', url: '/v1/me/cards', headers: user.headers })).json()
      .items;
    expect(cards.map((c: { bankCode: string; isDefault: boolean }) => [c.bankCode, c.isDefault])).toEqual([
      ['CCB', false],
      ['CMB', true],
    ]);
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/v1/me/cards/${second.json().id}`,
          headers: user.headers,
        })
      ).statusCode,
    ).toBe(204);
    cards = (await t.app.inject({ method: 'GET', url: '/v1/me/cards', headers: user.headers })).json().items;
    expect(cards.map((c: { bankCode: string; isDefault: boolean }) => [c.bankCode, c.isDefault])).toEqual([
      ['CCB', true],
    ]);

    // The same card cannot be bound by another account.
    t.clock.advanceSeconds(61);
    const other = await signUp(t);
    await kyc(other.headers, '孙七', uniqueIdNumber());
    const reserved3 = newPhone();
    const stolen = await t.app.inject({
      method: 'POST',
      url: '/v1/me/cards',
      headers: other.headers,
      payload: { cardNumber, reservedPhone: reserved3 },
    });
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().error.code).toBe('card_already_bound');
  });

  it('refuses a card the bank does not match, a bad number, and an unsupported bank', async () => {
    const user = await signUp(t);
    await kyc(user.headers, '周八', uniqueIdNumber());
    const mismatch = await t.app.inject({
      method: 'POST',
      url: '/v1/me/cards',
      headers: user.headers,
      payload: { cardNumber: newCardNumber(), reservedPhone: '13900000000' },
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().error.code).toBe('card_verification_failed');
    const luhn = await t.app.inject({
      method: 'POST',
      url: '/v1/me/cards',
      headers: user.headers,
      payload: { cardNumber: '6222021234567890121', reservedPhone: newPhone() },
    });
    expect(['card_number_checksum_invalid']).toContain(luhn.json().error.code);
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/v1/me/cards',
      headers: user.headers,
      payload: { cardNumber: '4111111111111111', reservedPhone: newPhone() },
    });
    expect(foreign.json().error.code).toBe('card_issuer_unsupported');
  });

  it('shows personal data in full only to roles allowed to read it, and audits the read', async () => {
    const user = await signUp(t);
    const idNumber = uniqueIdNumber();
    await kyc(user.headers, '吴九', idNumber);
    const masked = await t.app.inject({
      method: 'GET',
      url: `/v1/admin/users/${user.userId}`,
      headers: asAdmin,
    });
    expect(masked.json().idNumber).not.toBe(idNumber);
    const full = await t.app.inject({
      method: 'GET',
      url: `/v1/admin/users/${user.userId}?unmasked=true`,
      headers: asAdmin,
    });
    expect(full.json()).toMatchObject({ idNumber, realName: '吴九', phone: user.phone });
    const audit = await t.app.inject({
      method: 'GET',
      url: `/v1/admin/audit?action=pii.read&subjectId=${user.userId}`,
      headers: asAdmin,
    });
    expect(audit.json().items).toHaveLength(1);
    expect(audit.json().items[0]).toMatchObject({ actorId: 'admin-token', action: 'pii.read' });
  });
});
