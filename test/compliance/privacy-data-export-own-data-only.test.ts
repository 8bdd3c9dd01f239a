import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffMember } from '../support/credit.ts';
import { bindCard } from '../support/credit-purchases.ts';
import { applyFor, bid, borrower, cny, fund, investor } from '../support/lending.ts';
import { openPaymentsTestApp, type PaymentsTestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A customer who topped up their wallet, borrows and invests exports their data: the JSON and the
 * CSV hold their profile (unmasked), their top-up, their loan and their investment, with amounts as
 * yuan strings, and nothing of the other customer whose loan they invested in. Another customer
 * asking for the export's id gets 404; staff may build one on their behalf (audited); it expires.
 */
let t: PaymentsTestApp;
let me: TestUser;
let other: TestUser;
let otherLoanId: string;
let myLoanId: string;
let exportId: string;

beforeAll(async () => {
  t = await openPaymentsTestApp({ identity: { sessionTtlHours: 24 * 365 } });
  me = await borrower(t);
  const cardId = await bindCard(t, me);
  const assessed = await t.app.inject({
    method: 'POST',
    url: '/v1/me/risk-assessment',
    headers: me.headers,
    payload: { answers: [4, 4, 4, 4, 4, 4, 4, 4] },
  });
  expect(assessed.statusCode, assessed.body).toBe(200);
  const topUp = await t.app.inject({
    method: 'POST',
    url: '/v1/me/top-ups',
    headers: me.headers,
    payload: { amount: cny('20.00'), cardId },
  });
  expect(topUp.statusCode, topUp.body).toBe(202);
  const orderId = topUp.json().id as string;
  await t.waitFor(async () => {
    const order = await t.app.inject({ method: 'GET', url: `/v1/me/orders/${orderId}`, headers: me.headers });
    return order.json().status === 'succeeded';
  }, 'the top-up');
  await fund(t, me.userId, '10000.00');

  other = await borrower(t);
  otherLoanId = (await applyFor(t, other, { amount: cny('5000.00'), term: 6 })).loanId;
  // One investor may hold at most half of a loan: a second one fills it, and it is disbursed.
  const invested = await bid(t, me, otherLoanId, '2500.00');
  expect(invested.statusCode, invested.body).toBe(201);
  const filled = await bid(t, await investor(t), otherLoanId, '2500.00');
  expect(filled.statusCode, filled.body).toBe(201);
  myLoanId = (await applyFor(t, me, { amount: cny('8000.00'), term: 12 })).loanId;
}, 60_000);
afterAll(() => t.close());

const YUAN = /^\d+\.\d{2}$/;

describe("a customer's data export", () => {
  it('holds exactly their own data, amounts as yuan strings, as JSON', async () => {
    const requested = await t.app.inject({ method: 'POST', url: '/v1/me/data-exports', headers: me.headers });
    expect(requested.statusCode, requested.body).toBe(201);
    exportId = requested.json().id;
    // One a day on one's own request: a second points at the first.
    const again = await t.app.inject({ method: 'POST', url: '/v1/me/data-exports', headers: me.headers });
    expect(again.statusCode, again.body).toBe(429);
    expect(again.json().error).toMatchObject({ code: 'data_export_too_soon', details: { exportId } });
    const response = await t.app.inject({
      method: 'GET',
      url: `/v1/me/data-exports/${exportId}.json`,
      headers: me.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const doc = response.json();
    const s = doc.sections;
    expect(doc.userId).toBe(me.userId);
    expect(s.profile.id).toBe(me.userId);
    expect(s.profile.phone).toBe(me.phone); // their own data, unmasked
    expect(s.profile.realName).toBe('王五');
    expect(s.bankCards).toHaveLength(1);
    expect(s.bankCards[0].maskedNumber).toMatch(/\*/);

    const topUps = s.paymentOrders.filter((o: { kind: string }) => o.kind === 'top_up');
    expect(topUps).toHaveLength(1);
    expect(topUps[0]).toMatchObject({ amount: '20.00', status: 'succeeded', role: 'payer' });
    expect(s.wallet.balance).toBe('7520.00');

    expect(s.loans.map((l: { id: string }) => l.id)).toEqual([myLoanId]);
    expect(s.loans[0].amount).toBe('8000.00');
    expect(s.loanApplications).toHaveLength(1);
    expect(s.bids.map((b: { loanId: string; amount: string }) => [b.loanId, b.amount])).toEqual([
      [otherLoanId, '2500.00'],
    ]);
    expect(
      s.notes.map((n: { loanId: string; originalPrincipal: string }) => [n.loanId, n.originalPrincipal]),
    ).toEqual([[otherLoanId, '2500.00']]);
    // The bureau consent given at application, and the agreement accepted at sign-up.
    expect(
      s.consents.map((c: { purpose: string; granted: boolean }) => [c.purpose, c.granted]).sort(),
    ).toEqual([
      ['credit_bureau', true],
      ['privacy_policy', true],
      ['terms', true],
    ]);
    // Their one risk assessment (all answers 4: C5), and no other investor's.
    expect(s.riskAssessments.map((a: { level: number; score: number }) => [a.level, a.score])).toEqual([
      [5, 32],
    ]);
    expect(s.suitabilityAcknowledgements).toEqual([]);
    expect(s.sessions.length).toBeGreaterThan(0);

    // Every amount is a decimal string of yuan, never a number.
    for (const row of [...s.paymentOrders, ...s.loans, ...s.bids, ...s.loanApplications])
      expect(row.amount, JSON.stringify(row)).toMatch(YUAN);

    // Nothing of the other customer: not their id, phone, loan as a loan, or application.
    const text = JSON.stringify(doc);
    expect(text).not.toContain(other.userId);
    expect(text).not.toContain(other.phone);
  });

  it('as CSV, one table per section, the same rows', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/v1/me/data-exports/${exportId}.csv`,
      headers: me.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/csv/);
    const lines = response.body.replace(/^\uFEFF/, '').split('\r\n');
    const section = (name: string) => {
      const start = lines.indexOf(`# ${name}`);
      expect(start, name).toBeGreaterThanOrEqual(0);
      const end = lines.indexOf('', start);
      const header = lines[start + 1]!.split(',');
      return lines
        .slice(start + 2, end)
        .map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])));
    };
    expect(section('profile')[0]!.phone).toBe(me.phone);
    expect(section('paymentOrders').filter((o) => o.kind === 'top_up')[0]!.amount).toBe('20.00');
    expect(section('loans').map((l) => [l.id, l.amount])).toEqual([[myLoanId, '8000.00']]);
    expect(section('bids').map((b) => b.amount)).toEqual(['2500.00']);
    expect(response.body).not.toContain(other.userId);
    expect(response.body).not.toContain(other.phone);
  });

  it('another customer asking for it gets 404; staff build one for a customer, audited; it expires', async () => {
    for (const format of ['json', 'csv']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/v1/me/data-exports/${exportId}.${format}`,
        headers: other.headers,
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('data_export_not_found');
    }
    const officer = await staffMember(t, ['compliance']);
    const built = await t.app.inject({
      method: 'POST',
      url: `/v1/privacy/users/${other.userId}/data-exports`,
      headers: officer.headers,
    });
    expect(built.statusCode, built.body).toBe(201);
    const audited = await sql<{ subject_id: string; actor_id: string }>`
      select subject_id, actor_id from audit_log where action = 'privacy.data_export_built'`.execute(
      t.platform.db,
    );
    expect(audited.rows).toEqual([{ subject_id: other.userId, actor_id: officer.userId }]);
    const staffView = await t.app.inject({
      method: 'GET',
      url: `/v1/privacy/data-exports/${built.json().id}.json`,
      headers: officer.headers,
    });
    expect(staffView.json().sections.profile.id).toBe(other.userId);
    const readAudited = await sql<{ subject_id: string }>`
      select subject_id from audit_log where action = 'privacy.data_export_read'`.execute(t.platform.db);
    expect(readAudited.rows).toEqual([{ subject_id: built.json().id }]);

    // A customer who still owes, holds notes or has money in the wallet keeps the account.
    const close = await t.app.inject({
      method: 'POST',
      url: `/v1/privacy/users/${me.userId}/close`,
      headers: officer.headers,
    });
    expect(close.statusCode, close.body).toBe(409);
    expect(close.json().error.code).toBe('account_has_obligations');
    expect(close.json().error.details).toMatchObject({ loans: 1, notes: 1 });
    // A customer cannot use the staff route.
    const forbidden = await t.app.inject({
      method: 'POST',
      url: `/v1/privacy/users/${other.userId}/data-exports`,
      headers: me.headers,
    });
    expect(forbidden.statusCode).toBe(403);

    t.clock.advanceSeconds(8 * 86_400);
    const expired = await t.app.inject({
      method: 'GET',
      url: `/v1/me/data-exports/${exportId}.json`,
      headers: me.headers,
    });
    expect(expired.statusCode).toBe(404);
  });
});
