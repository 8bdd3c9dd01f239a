import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_CONSENT } from '../../src/risk/index.ts';
import { applyFor, borrower, cny, nextAddress, openLendingApp } from '../support/lending.ts';
import type { TestApp } from '../support/platform.ts';

/**
 * The credit bureau is asked only with the applicant's consent: an application that refuses it is
 * decided without the bureau (referred, saying why), one that omits it authorises the query, and a
 * withdrawal stops later queries until consent is given again. Every change is a new record.
 */
let t: TestApp;
beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t.close());

const bureauQueries = async () =>
  Number(
    (
      await sql<{
        n: bigint;
      }>`select count(*)::int8 as n from risk_source_cache where source = 'bureau'`.execute(t.platform.db)
    ).rows[0]!.n,
  );
const decisionSources = async (decisionId: string) =>
  (
    (await t.platform.risk.decision(decisionId)) as unknown as {
      sources: Record<string, { status: string; error?: string }>;
    }
  ).sources;
const consents = async (headers: Record<string, string>) => {
  const response = await t.app.inject({ method: 'GET', url: '/v1/me/consents', headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
const application = {
  productId: 'personal',
  amount: cny('10000.00'),
  term: 12,
  method: 'equal_installment',
  purpose: 'education',
  monthlyIncome: cny('15000.00'),
  monthlyDebt: cny('1000.00'),
  employmentYears: 6,
};

describe('bureau consent checked before every query', () => {
  it('refused at application: the bureau is not asked, the decision is referred and says why', async () => {
    const user = await borrower(t);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/lending/applications',
      headers: user.headers,
      remoteAddress: nextAddress(),
      payload: { ...application, productId: 'no-such-product', bureauConsent: false },
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    // A refused application leaves no consent record behind (only sign-up's: the agreement).
    const notAtSignUp = (history: { source: string }[]) => history.filter((h) => h.source !== 'sign_up');
    expect(notAtSignUp((await consents(user.headers)).history)).toHaveLength(0);

    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/lending/applications',
      headers: user.headers,
      remoteAddress: nextAddress(),
      payload: { ...application, bureauConsent: false },
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body.decision.outcome).toBe('refer');
    expect(body.decision.reasons).toContain('data_source_not_consented:bureau');
    const sources = await decisionSources(body.application.decisionId);
    expect(sources.bureau).toMatchObject({ status: 'failed', error: NO_CONSENT });
    expect(sources.blacklist?.status).toBe('ok');
    expect(await bureauQueries()).toBe(0);

    const mine = await consents(user.headers);
    expect(notAtSignUp(mine.history)).toHaveLength(1);
    expect(notAtSignUp(mine.history)[0]).toMatchObject({
      purpose: 'credit_bureau',
      granted: false,
      source: 'loan_application',
    });
    expect(mine.purposes.find((p: { purpose: string }) => p.purpose === 'credit_bureau').granted).toBe(false);
  });

  it('omitted at application: the query is authorised; a withdrawal stops later queries, a new grant restarts them', async () => {
    const user = await borrower(t);
    const { body } = await applyFor(t, user);
    expect((await decisionSources(body.application.decisionId)).bureau?.status).toBe('ok');
    expect(await bureauQueries()).toBe(1);
    expect(await t.platform.compliance.privacy.hasConsent(user.userId, 'credit_bureau')).toBe(true);

    const later = {
      applicantId: user.userId,
      product: 'personal',
      amount: 100_000n,
      termMonths: 6,
      purpose: 'education',
      monthlyIncome: 1_500_000n,
      monthlyDebt: 0n,
    };
    t.clock.advanceSeconds(60);
    const withdrawn = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/consents/credit_bureau',
      headers: { ...user.headers, 'user-agent': 'consent-test/1.0' },
      payload: { granted: false },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const afterWithdrawal = await t.platform.risk.decide(later);
    expect(afterWithdrawal.reasons).toContain('data_source_not_consented:bureau');
    expect((await decisionSources(afterWithdrawal.decisionId)).bureau?.error).toBe(NO_CONSENT);

    t.clock.advanceSeconds(60);
    const granted = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/consents/credit_bureau',
      headers: user.headers,
      payload: { granted: true },
    });
    expect(granted.statusCode, granted.body).toBe(200);
    const afterGrant = await t.platform.risk.decide(later);
    expect(afterGrant.reasons).not.toContain('data_source_not_consented:bureau');
    expect((await decisionSources(afterGrant.decisionId)).bureau?.status).toBe('ok');

    // The history keeps every change, newest first, with the text version and the client.
    const history = granted.json().history.filter((h: { purpose: string }) => h.purpose === 'credit_bureau');
    expect(history.map((h: { granted: boolean; source: string }) => [h.granted, h.source])).toEqual([
      [true, 'settings'],
      [false, 'settings'],
      [true, 'loan_application'],
    ]);
    expect(history[1]).toMatchObject({ userAgent: 'consent-test/1.0', textVersion: 'credit-bureau-2026-12' });
    // As of before the withdrawal, the consent was in force.
    const { privacy } = t.platform.compliance;
    const withdrawalAt = new Date(history[1].recordedAt);
    expect(await privacy.hasConsent(user.userId, 'credit_bureau', new Date(withdrawalAt.getTime() - 1))).toBe(
      true,
    );
    expect(await privacy.hasConsent(user.userId, 'credit_bureau', withdrawalAt)).toBe(false);
  });

  it('omitted at application after a withdrawal: the silence does not undo the no', async () => {
    const user = await borrower(t);
    const withdrawn = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/consents/credit_bureau',
      headers: user.headers,
      payload: { granted: false },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const queriesBefore = await bureauQueries();
    const applied = await t.app.inject({
      method: 'POST',
      url: '/v1/lending/applications',
      headers: user.headers,
      payload: application,
    });
    expect(applied.statusCode, applied.body).toBeLessThan(300);
    const decisionId = applied.json().application.decisionId;
    expect(applied.json().decision.reasons).toContain('data_source_not_consented:bureau');
    expect((await decisionSources(decisionId)).bureau?.error).toBe(NO_CONSENT);
    expect(await bureauQueries()).toBe(queriesBefore);
    const history = (await consents(user.headers)).history.filter(
      (h: { purpose: string }) => h.purpose === 'credit_bureau',
    );
    expect(history.map((h: { granted: boolean; source: string }) => [h.granted, h.source])).toEqual([
      [false, 'settings'],
    ]);
  });

  it('marketing is opt-in: not consented until granted; an unknown purpose is 404', async () => {
    const user = await borrower(t);
    const { privacy } = t.platform.compliance;
    expect(await privacy.hasConsent(user.userId, 'marketing')).toBe(false);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/consents/marketing',
      headers: user.headers,
      payload: { granted: true },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(await privacy.hasConsent(user.userId, 'marketing')).toBe(true);
    const unknown = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/consents/telepathy',
      headers: user.headers,
      payload: { granted: true },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('consent_purpose_not_found');
  });
});
