import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/** Referred applications in the review queue: two officers above the limit, every action audited and notified. */
let t: TestApp;
const officers: { authorization: string }[] = [];
beforeAll(async () => {
  t = await openTestApp();
  for (const [i, name] of ['Olga', 'Oscar'].entries()) {
    await t.app.inject({
      method: 'POST',
      url: '/v1/admin/staff',
      headers: asAdmin,
      payload: {
        phone: `1360000010${i}`,
        password: 'officer123',
        displayName: name,
        roles: ['risk_officer'],
      },
    });
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: `1360000010${i}`, password: 'officer123' },
    });
    officers.push({ authorization: `Bearer ${signIn.json().token}` });
  }
});
afterAll(() => t.close());

let n = 0;
/** An application the bureau cannot answer for (test subject 994): referred to review. */
async function referred(amount: string) {
  const user = await signUp(t);
  n++;
  await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: {
      realName: '李雷',
      idNumber: withCheckCharacter(`1101051990${String(1 + n).padStart(2, '0')}15994`),
    },
  });
  const d = await t.app.inject({
    method: 'POST',
    url: '/v1/risk/decisions',
    headers: officers[0]!,
    remoteAddress: `10.30.0.${n}`,
    payload: {
      applicantId: user.userId,
      amount: { amount, currency: 'CNY' },
      termMonths: 12,
      purpose: 'home',
      monthlyIncome: { amount: '30000.00', currency: 'CNY' },
      monthlyDebt: { amount: '0.00', currency: 'CNY' },
    },
  });
  expect(d.json().outcome).toBe('refer');
  return { user, decisionId: d.json().decisionId as string };
}

const act = (officer: number, decisionId: string, action: string, payload: object) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/risk/reviews/${decisionId}/${action}`,
    headers: officers[officer]!,
    payload,
  });

describe('the review queue', () => {
  it('shows a referral with its data, rule hits and similar decisions', async () => {
    const { decisionId } = await referred('8000.00');
    const queue = (
      await t.app.inject({ method: 'GET', url: '/v1/risk/reviews', headers: officers[0]! })
    ).json().items;
    expect(queue.map((r: { decisionId: string }) => r.decisionId)).toContain(decisionId);
    const view = (
      await t.app.inject({ method: 'GET', url: `/v1/risk/reviews/${decisionId}`, headers: officers[1]! })
    ).json();
    expect(view.review).toMatchObject({ status: 'open', needsTwo: false, amount: { amount: '8000.00' } });
    expect(view.decision.reasons).toContain('data_source_unavailable:bureau');
    expect(view.decision.sources.bureau.status).toBe('failed');
    expect(Array.isArray(view.similar)).toBe(true);
  });

  it('lets one officer approve a small amount, within policy, and tells the applicant', async () => {
    const { user, decisionId } = await referred('8000.00');
    const tooHigh = await act(0, decisionId, 'approve', { annualRate: '0.2500' });
    expect(tooHigh.json().error.code).toBe('review_rate_out_of_policy');
    const tooMuch = await act(0, decisionId, 'approve', { amount: { amount: '8000.01', currency: 'CNY' } });
    expect(tooMuch.json().error.code).toBe('review_amount_out_of_policy');
    const approved = await act(0, decisionId, 'approve', {
      amount: { amount: '6000.00', currency: 'CNY' },
      annualRate: '0.1500',
    });
    expect(approved.json()).toMatchObject({
      status: 'approved',
      finalAmount: { amount: '6000.00' },
      finalRate: '0.150000',
    });
    const again = await act(1, decisionId, 'decline', { reason: 'changed my mind' });
    expect(again.json().error.code).toBe('review_closed');
    const inbox = (await t.app.inject({ method: 'GET', url: `/v1/dev/inbox?phone=${user.phone}` })).json()
      .items;
    expect(inbox[0].template).toBe('risk.review_approved');
  });

  it('needs two different officers above the threshold', async () => {
    const { decisionId } = await referred('60000.00');
    const first = await act(0, decisionId, 'approve', {});
    expect(first.json()).toMatchObject({ status: 'open', needsTwo: true });
    const same = await act(0, decisionId, 'approve', {});
    expect(same.statusCode).toBe(409);
    expect(same.json().error.code).toBe('second_officer_required');
    const second = await act(1, decisionId, 'approve', {});
    expect(second.json()).toMatchObject({ status: 'approved', finalAmount: { amount: '60000.00' } });
    const audit = await sql<{
      action: string;
    }>`select action from audit_log where subject_id = ${decisionId} order by at`.execute(t.platform.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['risk.review_approved', 'risk.review_approved']);
  });

  it('declines with a reason or asks for more information', async () => {
    const a = await referred('3000.00');
    expect(
      (
        await act(1, a.decisionId, 'request-info', { message: '请上传收入证明 upload proof of income' })
      ).json().status,
    ).toBe('info_requested');
    expect((await act(1, a.decisionId, 'decline', { reason: 'no proof of income' })).json()).toMatchObject({
      status: 'declined',
      reason: 'no proof of income',
    });
  });
});
