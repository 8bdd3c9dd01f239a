import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { VELOCITY_WINDOW } from '../../src/risk/decide.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * Credit decisions through the API, as a risk officer runs them: every shipped policy, the test
 * subjects of the simulated sources, the decision log with its trace, and replay.
 */
let t: TestApp;
let officer: { authorization: string };
beforeAll(async () => {
  t = await openTestApp();
  await t.app.inject({
    method: 'POST',
    url: '/v1/admin/staff',
    headers: asAdmin,
    payload: {
      phone: '13600000001',
      password: 'officer123',
      displayName: 'Rita Risk',
      roles: ['risk_officer'],
    },
  });
  const signIn = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-in',
    payload: { phone: '13600000001', password: 'officer123' },
  });
  officer = { authorization: `Bearer ${signIn.json().token}` };
});
afterAll(() => t.close());

let births = 0;
/** A customer verified with an identity number ending in the given sequence digits (the sources' test subjects). */
async function applicant(sequence = '123', birthYear = 1988): Promise<TestUser> {
  const user = await signUp(t);
  births++;
  const birth = `${birthYear}${String(1 + (births % 12)).padStart(2, '0')}${String(1 + (Math.floor(births / 12) % 28)).padStart(2, '0')}`;
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName: '陈一', idNumber: withCheckCharacter(`110105${birth}${sequence}`) },
  });
  expect(kyc.statusCode, kyc.body).toBe(200);
  return user;
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });
const application = (applicantId: string, overrides: Record<string, unknown> = {}) => ({
  applicantId,
  amount: cny('20000.00'),
  termMonths: 12,
  purpose: 'education',
  monthlyIncome: cny('12000.00'),
  monthlyDebt: cny('1500.00'),
  employmentYears: 6,
  ...overrides,
});
// Each application from an address of its own: the anti-fraud rules count applicants per address.
let addresses = 0;
const decide = async (payload: object) => {
  addresses++;
  const remoteAddress = `10.20.${Math.floor(addresses / 250)}.${addresses % 250}`;
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/risk/decisions',
    headers: officer,
    payload,
    remoteAddress,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

describe('credit decisions on the shipped policy', () => {
  it('approves a sound applicant with a grade, a capped price, limits and term options, explained and logged', async () => {
    const user = await applicant();
    const d = await decide(application(user.userId));
    expect(d.outcome).toBe('approve');
    expect(d.grade).toMatch(/^[A-D][1-5]$/);
    expect(Number(d.annualRate)).toBeLessThanOrEqual(0.24);
    expect(d.annualRate).toMatch(/^0\.\d{4}$/);
    expect(d.amount).toEqual(cny('20000.00'));
    expect(d.termOptions).toContain(12);
    expect(d.graph).toMatchObject({ name: 'credit-policy', version: 1 });
    expect(d.model).toMatchObject({ version: 1 });
    const logged = (
      await t.app.inject({ method: 'GET', url: `/v1/risk/decisions/${d.decisionId}`, headers: officer })
    ).json();
    expect(logged.outcome).toBe('approve');
    expect(Object.keys(logged.trace)).toEqual(
      expect.arrayContaining(['anti-fraud', 'credit-policy', 'scorecard', 'grading', 'pricing', 'verdict']),
    );
    expect(logged.sources.bureau.status).toBe('ok');
    expect(logged.input.applicant.age).toBeGreaterThan(30);
    const replay = (
      await t.app.inject({
        method: 'POST',
        url: `/v1/risk/decisions/${d.decisionId}/replay`,
        headers: officer,
      })
    ).json();
    expect(replay.same, JSON.stringify(replay)).toBe(true);
    // A second decision within the day reads the bureau from the cache.
    const again = await decide(application(user.userId, { amount: cny('1000.00') }));
    const second = (
      await t.app.inject({ method: 'GET', url: `/v1/risk/decisions/${again.decisionId}`, headers: officer })
    ).json();
    expect(second.sources.bureau.cached).toBe(true);
  });

  it.each([
    ['a blacklisted applicant', '996', {}, 'decline', 'blacklist_hit'],
    ['seven loans at other platforms', '993', {}, 'decline', 'too_many_loans_at_other_platforms'],
    [
      'debt over half the income',
      '124',
      { monthlyDebt: cny('6500.00') },
      'decline',
      'debt_to_income_over_50_percent',
    ],
    [
      'income below the floor',
      '125',
      { monthlyIncome: cny('2999.99'), monthlyDebt: cny('0.00') },
      'decline',
      'income_below_floor',
    ],
    ['an unavailable bureau', '994', {}, 'refer', 'data_source_unavailable:bureau'],
  ])('%s: %s', async (_name, sequence, overrides, outcome, reason) => {
    const user = await applicant(sequence);
    const d = await decide(application(user.userId, overrides));
    expect(d.outcome).toBe(outcome);
    expect(d.reasons).toContain(reason);
  });

  it('declines applicants under 18 and over 65, and the unverified', async () => {
    const young = await applicant('126', 2010);
    expect((await decide(application(young.userId))).reasons).toContain('age_under_18');
    const old = await applicant('127', 1950);
    expect((await decide(application(old.userId))).reasons).toContain('age_over_65');
    const stranger = await signUp(t);
    const d = await decide(application(stranger.userId));
    expect(d.outcome).toBe('decline');
    expect(d.reasons).toContain('identity_not_verified');
  });

  it('declines the third application within 24 hours', async () => {
    const user = await applicant('128');
    expect((await decide(application(user.userId))).outcome).toBe('approve');
    expect((await decide(application(user.userId))).outcome).toBe('approve');
    const third = await decide(application(user.userId));
    expect(third.outcome).toBe('decline');
    expect(third.reasons).toContain('three_or_more_applications_in_24_hours');
  });

  it('flags a device once five other applicants have used it, not counting the applicant', async () => {
    const device = `shared-phone-${Date.now()}`;
    const users: TestUser[] = [];
    for (let i = 0; i < 6; i++) users.push(await applicant('132'));
    for (const user of users.slice(0, 5)) {
      const d = await decide(application(user.userId, { device }));
      expect(d.reasons).not.toContain('device_shared_by_many_applicants');
    }
    // The fifth applicant again: four others, so still not flagged.
    const again = await decide(application(users[4]!.userId, { device }));
    expect(again.reasons).not.toContain('device_shared_by_many_applicants');
    const sixth = await decide(application(users[5]!.userId, { device }));
    expect(sixth.outcome).toBe('decline');
    expect(sixth.reasons).toContain('device_shared_by_many_applicants');
  });

  it('counts a device whose window of recent decisions is full as shared by many', async () => {
    // One applicant floods a device with 1,000 applications (copied in SQL to keep the test short):
    // the velocity count reads only the latest 1,000 decisions, and must not let the flood hide
    // that the device is busy.
    const device = `flooded-phone-${Date.now()}`;
    const flooder = await applicant('133');
    const first = await decide(application(flooder.userId, { device }));
    await sql`
      insert into risk_decisions (id, applicant_id, subject, input, sources, graph_id, graph_name, graph_version,
        model_id, model_version, variant, outcome, grade, score, annual_rate, amount, reasons, result, trace,
        created_at, business_date)
      select gen_random_uuid(), applicant_id, subject, input, sources, graph_id, graph_name, graph_version, model_id,
        model_version, variant, outcome, grade, score, annual_rate, amount, reasons, result, trace, created_at, business_date
      from risk_decisions, generate_series(1, ${VELOCITY_WINDOW}) where id = ${first.decisionId}::uuid`.execute(
      t.platform.db,
    );
    const other = await applicant('134');
    const d = await decide(application(other.userId, { device }));
    expect(d.reasons).toContain('device_shared_by_many_applicants');
  });

  it('cuts the amount to the limit and respects the regulatory caps', async () => {
    const user = await applicant('129');
    const big = await decide(
      application(user.userId, { amount: cny('199000.00'), monthlyIncome: cny('12000.00') }),
    );
    expect(big.outcome, JSON.stringify(big)).toBe('approve');
    expect(big.reasons).toContain('amount_reduced_to_limit');
    expect(BigInt(big.amount.amount.replace('.', ''))).toBeLessThan(19_900_000n);
    const over = await applicant('130');
    const capped = await decide(
      application(over.userId, { amount: cny('200000.01'), monthlyIncome: cny('90000.00') }),
    );
    expect(capped.outcome).toBe('decline');
    expect(capped.reasons).toContain('platform_outstanding_cap_exceeded');
  });

  it('refuses malformed applications with coded 4xx', async () => {
    const user = await applicant('131');
    for (const [payload, code] of [
      [application(user.userId, { amount: cny('0') }), 'amount_must_be_positive'],
      [application(user.userId, { termMonths: 0 }), 'validation_failed'],
      [application(user.userId, { amount: cny('1.001') }), 'amount_too_precise'],
      [{ ...application(user.userId), applicantId: 'not-a-uuid' }, 'validation_failed'],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/risk/decisions',
        headers: officer,
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe(code);
    }
  });
});
