import { afterAll, beforeAll, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { cny, post, staffMember } from '../support/credit.ts';
import { nextAddress } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * A line the engine refers (the credit bureau does not answer for this identity): it waits in the
 * risk review queue, and a risk officer's approval grants it with the amount and rate of the review,
 * the daily rate read from the annual one the review gives.
 */
let t: TestApp;

beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

it('grants a referred line when a risk officer approves it', async () => {
  const user = await signUp(t);
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName: '李雷', idNumber: withCheckCharacter('11010519900315994') },
  });
  expect(kyc.statusCode, kyc.body).toBe(200);
  const applied = await t.app.inject({
    method: 'POST',
    url: '/v1/credit/lines',
    headers: user.headers,
    remoteAddress: nextAddress(),
    payload: { monthlyIncome: cny('30000.00'), monthlyDebt: cny('0.00') },
  });
  expect(applied.statusCode, applied.body).toBe(201);
  const { line, decision } = applied.json();
  expect(decision.outcome).toBe('refer');
  expect(decision.reasons).toContain('data_source_unavailable:bureau');
  expect(line.status).toBe('referred');
  const refused = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('100.00') });
  expect(refused.json().error.code).toBe('line_not_active');

  const officer = await staffMember(t, ['risk_officer']);
  const approved = await post(t, officer, `/v1/risk/reviews/${decision.decisionId}/approve`, {
    amount: cny('20000.00'),
    annualRate: '0.1095',
  });
  expect(approved.statusCode, approved.body).toBe(200);
  const after = (
    await t.app.inject({ method: 'GET', url: `/v1/credit/lines/${line.id}`, headers: user.headers })
  ).json();
  expect(after.status).toBe('active');
  expect(after.limit).toEqual(cny('20000.00'));
  expect(after.pricing.dailyRate).toBe('0.0003');
  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  expect(history.json().items.map((e: { kind: string }) => e.kind)).toEqual(['granted', 'referred']);
  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('100.00') });
  expect(drawn.statusCode, drawn.body).toBe(201);
});
