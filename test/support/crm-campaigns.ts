import { expect } from 'vitest';
import { fund } from './lending.ts';
import type { TestApp } from './platform.ts';
import { latestCode, newCardNumber, newPhone, type TestUser, uniqueIdNumber } from './users.ts';

/** Shared fixtures for crm's campaign scenarios (issue 20). */
export const cny = (amount: string) => ({ amount, currency: 'CNY' });

/** The sign-up request with a landing source; the raw response. */
export async function signUpRequest(t: TestApp, source: unknown, phone = newPhone()) {
  const sent = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sms-codes',
    payload: { phone, purpose: 'sign_up' },
  });
  expect(sent.statusCode, sent.body).toBe(202);
  const code = await latestCode(t, phone);
  const payload: Record<string, unknown> = { phone, password: 'secret123', code, acceptTerms: true };
  if (source !== undefined) payload.source = source;
  return { phone, response: await t.app.inject({ method: 'POST', url: '/v1/auth/sign-up', payload }) };
}

/** Signs up with a landing source and expects an account. */
export async function signUpFrom(t: TestApp, source?: unknown): Promise<TestUser> {
  const { phone, response } = await signUpRequest(t, source);
  expect(response.statusCode, response.body).toBe(201);
  const { userId, token } = response.json();
  return { phone, password: 'secret123', userId, token, headers: { authorization: `Bearer ${token}` } };
}

/** Verifies the user's real name and card, takes the questionnaire (C5) and puts `balance` in the wallet. */
export async function makeInvestor(t: TestApp, user: TestUser, balance: string): Promise<void> {
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName: '李四', idNumber: uniqueIdNumber() },
  });
  expect(kyc.statusCode, kyc.body).toBe(200);
  const reservedPhone = newPhone();
  const card = await t.app.inject({
    method: 'POST',
    url: '/v1/me/cards',
    headers: user.headers,
    payload: { cardNumber: newCardNumber(), reservedPhone },
  });
  expect(card.statusCode, card.body).toBe(201);
  const confirmed = await t.app.inject({
    method: 'POST',
    url: `/v1/me/cards/${card.json().id}/confirm`,
    headers: user.headers,
    payload: { code: await latestCode(t, reservedPhone) },
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  t.clock.advanceSeconds(61);
  const assessed = await t.app.inject({
    method: 'POST',
    url: '/v1/me/risk-assessment',
    headers: user.headers,
    payload: { answers: [4, 4, 4, 4, 4, 4, 4, 4] },
  });
  expect(assessed.statusCode, assessed.body).toBe(200);
  if (balance !== '0.00') await fund(t, user.userId, balance);
}

/** Subscribes to the platform's money-market fund: the user's investment. */
export async function invest(t: TestApp, user: TestUser, amount: string): Promise<void> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/wealth/mmf/subscriptions',
    headers: user.headers,
    payload: { amount: cny(amount) },
  });
  expect(response.statusCode, response.body).toBe(201);
}

export function campaignBody(overrides: Record<string, unknown> = {}) {
  return {
    code: 'spring',
    name: 'Spring sign-ups',
    channel: 'wechat',
    startsOn: '2026-01-01',
    endsOn: '2026-03-31',
    budget: cny('10000.00'),
    reward: { kind: 'cash', amount: cny('50.00') },
    referrerAmount: null,
    minInvestment: cny('1000.00'),
    withinDays: 7,
    maxRewards: null,
    rewardBudget: null,
    ...overrides,
  };
}

export async function walletAvailable(t: TestApp, user: TestUser): Promise<string> {
  const response = await t.app.inject({ method: 'GET', url: '/v1/me/wallet', headers: user.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().available.amount;
}
