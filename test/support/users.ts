import { withCheckCharacter, withLuhnDigit } from '../../src/identity/index.ts';
import type { TestApp } from './platform.ts';

/** Helpers that act as a person would through the API: ask for a code, read it, sign up. */
let phoneCounter = 0;

export function newPhone(): string {
  phoneCounter++;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

/** A valid identity card number; `sequence` 999 makes the simulated provider answer "mismatch". */
let idCounter = 0;
export function newIdNumber(birth = '19900101', sequence?: string): string {
  idCounter++;
  const seq = sequence ?? String(100 + ((idCounter * 7 + process.pid) % 800)).padStart(3, '0');
  return withCheckCharacter(`110105${birth}${seq}`.slice(0, 17));
}

export function uniqueIdNumber(): string {
  idCounter++;
  const day = String(1 + (idCounter % 28)).padStart(2, '0');
  const month = String(1 + (Math.floor(idCounter / 28) % 12)).padStart(2, '0');
  const year = 1960 + ((process.pid + Math.floor(idCounter / 336)) % 40);
  return withCheckCharacter(
    `110105${year}${month}${day}${String(100 + (process.pid % 800)).padStart(3, '0')}`,
  );
}

let cardCounter = 0;
export function newCardNumber(bin = '622202'): string {
  cardCounter++;
  return withLuhnDigit(
    `${bin}${String(process.pid % 100000).padStart(5, '0')}${String(cardCounter).padStart(7, '0')}`,
  );
}

export async function latestCode(t: TestApp, phone: string): Promise<string> {
  const inbox = await t.app.inject({ method: 'GET', url: `/v1/dev/inbox?phone=${phone}` });
  const body = inbox.json().items[0]?.body as string | undefined;
  const match = body ? /(\d{6})/.exec(body) : null;
  if (!match) throw new Error(`no code in the inbox of ${phone}: ${inbox.body}`);
  return match[1]!;
}

export interface TestUser {
  readonly phone: string;
  readonly password: string;
  readonly userId: string;
  readonly token: string;
  readonly headers: { authorization: string };
}

export async function signUp(t: TestApp, phone = newPhone(), password = 'secret123'): Promise<TestUser> {
  const sent = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sms-codes',
    payload: { phone, purpose: 'sign_up' },
  });
  if (sent.statusCode !== 202) throw new Error(`code not sent: ${sent.body}`);
  const code = await latestCode(t, phone);
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-up',
    payload: { phone, password, code, acceptTerms: true },
  });
  if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.body}`);
  const { userId, token } = response.json();
  t.clock.advanceSeconds(61); // the next code for anyone from this address may come a minute later
  return { phone, password, userId, token, headers: { authorization: `Bearer ${token}` } };
}

/** Signs up, verifies the identity and binds and confirms a card: a fully verified customer. */
export async function verifiedCustomer(t: TestApp): Promise<TestUser & { cardId: string; idNumber: string }> {
  const user = await signUp(t);
  const idNumber = uniqueIdNumber();
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName: '张三', idNumber },
  });
  if (kyc.statusCode !== 200) throw new Error(`kyc failed: ${kyc.body}`);
  const reservedPhone = newPhone();
  const card = await t.app.inject({
    method: 'POST',
    url: '/v1/me/cards',
    headers: user.headers,
    payload: { cardNumber: newCardNumber(), reservedPhone },
  });
  if (card.statusCode !== 201) throw new Error(`card failed: ${card.body}`);
  const code = await latestCode(t, reservedPhone);
  const confirmed = await t.app.inject({
    method: 'POST',
    url: `/v1/me/cards/${card.json().id}/confirm`,
    headers: user.headers,
    payload: { code },
  });
  if (confirmed.statusCode !== 200) throw new Error(`confirm failed: ${confirmed.body}`);
  t.clock.advanceSeconds(61);
  return { ...user, cardId: card.json().id, idNumber };
}
