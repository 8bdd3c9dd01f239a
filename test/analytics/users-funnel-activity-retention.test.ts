import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../src/identity/index.ts';
import type { PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { applyFor, bid, borrower, cny, fund, openLendingApp } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';
import { latestCode, newCardNumber, newPhone, type TestUser } from '../support/users.ts';

/**
 * The users area over three weeks of a small platform whose figures are known by construction:
 * five customers sign up in the week of Monday 2026-01-05 (two through the 'wechat' channel), four
 * verify (Beijing, Guangdong, Shanghai; ages 36, 25, 65 and 40; three men, one woman), two bind a
 * card, one pays two transfers, two invest in one loan of 6000.00 that a fifth borrows; one more
 * signs up the next week; chosen customers come back on chosen days. Each day's facts are checked
 * against the hand count, the retention matrix against the activity, and a backfill of the three
 * weeks (facts and the first-transaction cache wiped) against what the closes wrote.
 */
let t: TestApp;
const first = '2026-01-05' as PlainDate;
const last = '2026-01-25' as PlainDate;

/** The wall clock to 10:00 in Shanghai on `date` (the business date is the close's). */
function morningOf(date: string): void {
  const target = Date.parse(`${date}T02:00:00Z`);
  const now = t.clock.now().getTime();
  if (target > now) t.clock.advanceMs(target - now);
}

async function signUp(channel?: string): Promise<TestUser> {
  const phone = newPhone();
  const sent = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sms-codes',
    payload: { phone, purpose: 'sign_up' },
  });
  expect(sent.statusCode, sent.body).toBe(202);
  const code = await latestCode(t, phone);
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-up',
    payload: { phone, password: 'secret123', code, acceptTerms: true, ...(channel ? { channel } : {}) },
  });
  expect(response.statusCode, response.body).toBe(201);
  t.clock.advanceSeconds(61);
  const { userId, token } = response.json();
  return { phone, password: 'secret123', userId, token, headers: { authorization: `Bearer ${token}` } };
}

async function verify(user: TestUser, first17: string): Promise<void> {
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName: '张三', idNumber: withCheckCharacter(first17) },
  });
  expect(kyc.statusCode, kyc.body).toBe(200);
}

async function bindCard(user: TestUser): Promise<void> {
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
}

async function visit(user: TestUser): Promise<void> {
  const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: user.headers });
  expect(me.statusCode, me.body).toBe(200);
}

async function transfer(from: TestUser, to: TestUser, amount: string): Promise<void> {
  const sent = await t.app.inject({
    method: 'POST',
    url: '/v1/me/transfers',
    headers: from.headers,
    payload: { toPhone: to.phone, amount: cny(amount) },
  });
  expect(sent.statusCode, sent.body).toBe(201);
}

async function becomeInvestor(user: TestUser): Promise<void> {
  const assessed = await t.app.inject({
    method: 'POST',
    url: '/v1/me/risk-assessment',
    headers: user.headers,
    payload: { answers: [4, 4, 4, 4, 4, 4, 4, 4] },
  });
  expect(assessed.statusCode, assessed.body).toBe(200);
  await fund(t, user.userId, '10000.00');
}

type Facts = Record<string, string>;

/** The users area's facts of a date, as "metric[dimension]" → value. */
async function factsOf(date: string): Promise<Facts> {
  const rows = await sql<{ metric: string; dimension: string; value: string }>`
    select metric, dimension, value::text as value from analytics_facts
    where area = 'users' and business_date = ${date}::date order by metric, dimension`.execute(t.platform.db);
  return Object.fromEntries(
    rows.rows.map((r) => [`${r.metric.slice('users.'.length)}[${r.dimension}]`, r.value]),
  );
}

async function allFacts() {
  const rows = await sql`
    select metric, business_date::text as d, dimension, value::text as value from analytics_facts
    where area = 'users' order by 2, 1, 3`.execute(t.platform.db);
  return rows.rows;
}

/** Only the keys named, so that a day's check reads as its hand count. */
function pick(facts: Facts, expected: Facts): Facts {
  return Object.fromEntries(Object.keys(expected).map((k) => [k, facts[k] ?? '(none)']));
}

const ZERO_ORDERS: Facts = {
  'investment_amount[]': '0',
  'investment_count[]': '0',
  'loan_amount[]': '0',
  'loan_count[]': '0',
  'payment_amount[]': '0',
  'payment_count[]': '0',
};

let snapshot: unknown[];

beforeAll(async () => {
  t = await openLendingApp();
});
afterAll(() => t?.close());

describe('users analytics: funnel, activity, retention', () => {
  it('counts each day as the hand count says', async () => {
    // Monday 05: A (wechat) verifies in Beijing, 36, a man, and binds a card; B (organic) verifies in
    // Guangdong, 25, a woman; C (wechat) only signs up.
    morningOf('2026-01-05');
    const a = await signUp('wechat');
    await verify(a, '11010519900101131');
    await bindCard(a);
    const b = await signUp();
    await verify(b, '44030520000601124');
    const c = await signUp('wechat');
    const badChannel = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-up',
      payload: {
        phone: newPhone(),
        password: 'secret123',
        code: '123456',
        acceptTerms: true,
        channel: 'We Chat',
      },
    });
    expect(badChannel.statusCode).toBe(400);
    await closeTo(t, '2026-01-05');

    // Tuesday 06: D (organic) verifies in Shanghai, 65, a man, and binds a card; A pays B 100.00.
    morningOf('2026-01-06');
    const d = await signUp();
    await verify(d, '31010119600301135');
    await bindCard(d);
    await fund(t, a.userId, '500.00');
    await transfer(a, b, '100.00');
    await closeTo(t, '2026-01-06');

    // Wednesday 07: E borrows 6000.00 (Beijing, 40, a man); A and D invest 3000.00 each; A pays C 50.00.
    morningOf('2026-01-07');
    const e = await borrower(t);
    await becomeInvestor(a);
    await becomeInvestor(d);
    const { loanId } = await applyFor(t, e, { amount: cny('6000.00'), term: 3 });
    for (const investor of [a, d]) {
      const placed = await bid(t, investor, loanId, '3000.00');
      expect(placed.statusCode, placed.body).toBe(201);
    }
    await transfer(a, c, '50.00');
    await closeTo(t, '2026-01-07');

    // B comes back on Thursday; the week of the 12th: A on the 13th, F signs up on the 14th, C on the
    // 15th; the week of the 19th: D on the 20th.
    morningOf('2026-01-08');
    await visit(b);
    await closeTo(t, '2026-01-12');
    morningOf('2026-01-13');
    await visit(a);
    await closeTo(t, '2026-01-13');
    morningOf('2026-01-14');
    await signUp();
    await closeTo(t, '2026-01-14');
    morningOf('2026-01-15');
    await visit(c);
    await closeTo(t, '2026-01-19');
    morningOf('2026-01-20');
    await visit(d);
    await closeTo(t, last);

    const day = async (date: string, expected: Facts) =>
      expect({ date, ...pick(await factsOf(date), expected) }).toEqual({ date, ...expected });

    await day('2026-01-05', {
      'signups[]': '3',
      'signups[channel=wechat]': '2',
      'signups[channel=organic]': '1',
      'verified[]': '2',
      'verified[region=11]': '1',
      'verified[region=44]': '1',
      'verified[city=1101]': '1',
      'verified[city=4403]': '1',
      'verified[age_band=35-44]': '1',
      'verified[age_band=25-34]': '1',
      'verified[sex=m]': '1',
      'verified[sex=f]': '1',
      'card_bound[]': '1',
      'first_investment[]': '0',
      'first_loan[]': '0',
      'first_payment[]': '0',
      'dau[]': '3',
      'wau[]': '3',
      'mau[]': '3',
      'signed_up_total[]': '3',
      'verified_total[]': '2',
      'card_bound_total[]': '1',
      'transacted_total[]': '0',
      'verified_by[]': '2',
      'verified_by[region=11]': '1',
      'verified_by[sex=f]': '1',
      ...ZERO_ORDERS,
    });
    await day('2026-01-06', {
      'signups[]': '1',
      'signups[channel=organic]': '1',
      'signups[channel=wechat]': '(none)',
      'verified[]': '1',
      'verified[region=31]': '1',
      'verified[age_band=55+]': '1',
      'verified[sex=m]': '1',
      'card_bound[]': '1',
      'first_payment[]': '1',
      'first_investment[]': '0',
      'dau[]': '2',
      'wau[]': '4',
      'mau[]': '4',
      'signed_up_total[]': '4',
      'verified_total[]': '3',
      'card_bound_total[]': '2',
      'transacted_total[]': '1',
      'verified_by[]': '3',
      'verified_by[region=11]': '1',
      'verified_by[region=31]': '1',
      'verified_by[region=44]': '1',
      'verified_by[city=3101]': '1',
      'verified_by[age_band=55+]': '1',
      'verified_by[sex=m]': '2',
      'verified_by[sex=f]': '1',
      'payment_amount[]': '10000',
      'payment_amount[product=transfer]': '10000',
      'payment_amount[product=merchant]': '0',
      'payment_count[]': '1',
      'investment_amount[]': '0',
      'loan_count[]': '0',
    });
    await day('2026-01-07', {
      'signups[]': '1',
      'verified[]': '1',
      'verified[region=11]': '1',
      'verified[age_band=35-44]': '1',
      'card_bound[]': '0',
      'first_investment[]': '2',
      'first_loan[]': '1',
      'first_payment[]': '0',
      'dau[]': '3',
      'wau[]': '5',
      'signed_up_total[]': '5',
      'verified_total[]': '4',
      'card_bound_total[]': '2',
      'transacted_total[]': '3',
      'verified_by[age_band=35-44]': '2',
      'verified_by[sex=m]': '3',
      'investment_amount[]': '600000',
      'investment_amount[product=notes]': '600000',
      'investment_amount[product=mmf]': '0',
      'investment_count[]': '2',
      'investment_count[product=notes]': '2',
      'loan_amount[]': '600000',
      'loan_amount[product=loan]': '600000',
      'loan_amount[product=credit_draw]': '0',
      'loan_count[]': '1',
      'payment_amount[]': '5000',
      'payment_count[]': '1',
    });
    await day('2026-01-08', {
      'signups[]': '0',
      'dau[]': '1',
      'wau[]': '5',
      'transacted_total[]': '3',
      'first_investment[]': '0',
      ...ZERO_ORDERS,
    });
    // Sunday 11: the first cohort's size, nothing retained yet.
    await day('2026-01-11', {
      'cohort_size[cohort=2026-01-05]': '5',
      'retained[cohort=2026-01-05;week=1]': '(none)',
      'dau[]': '0',
      'wau[]': '5',
      'mau[]': '5',
    });
    await day('2026-01-18', {
      'cohort_size[cohort=2026-01-05]': '5',
      'retained[cohort=2026-01-05;week=1]': '2',
      'cohort_size[cohort=2026-01-12]': '1',
      'wau[]': '3',
      'mau[]': '6',
      'signed_up_total[]': '6',
    });
    await day(last, {
      'retained[cohort=2026-01-05;week=2]': '1',
      'retained[cohort=2026-01-12;week=1]': '0',
      'cohort_size[cohort=2026-01-19]': '(none)',
      'dau[]': '0',
      'wau[]': '1',
      'mau[]': '6',
      'transacted_total[]': '3',
    });
    // Only Sundays carry retention.
    expect(Object.keys(await factsOf('2026-01-13')).filter((k) => k.startsWith('retained'))).toEqual([]);
    snapshot = await allFacts();
  });

  it('serves the retention matrix with exact shares', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/analytics/users/cohorts?from=2026-01-05&to=2026-01-19',
      headers: asAdmin,
    });
    expect(response.statusCode, response.body).toBe(200);
    const pending = [4, 8, 12].map((week) => ({ week, retained: null, share: null }));
    expect(response.json().items).toEqual([
      {
        cohort: '2026-01-05',
        size: 5,
        weeks: [
          { week: 1, retained: 2, share: '0.4000' },
          { week: 2, retained: 1, share: '0.2000' },
          ...pending,
        ],
      },
      {
        cohort: '2026-01-12',
        size: 1,
        weeks: [
          { week: 1, retained: 0, share: '0.0000' },
          { week: 2, retained: null, share: null },
          ...pending,
        ],
      },
    ]);
    const series = await t.platform.analytics.series({
      metrics: ['users.signups'],
      from: first,
      to: last,
      granularity: 'month',
      by: ['channel'],
    });
    expect(series[0]!.points.map((p) => [p.dimension.channel, p.value])).toEqual([
      ['organic', '4'],
      ['wechat', '2'],
    ]);
  });

  it('backfills the three weeks to the same facts, from nothing', async () => {
    const db = t.platform.db;
    await sql`delete from analytics_facts where area = 'users'`.execute(db);
    await sql`delete from analytics_days where area = 'users'`.execute(db);
    await sql`delete from analytics_user_firsts`.execute(db);
    const report = await t.platform.analytics.backfill({
      from: first,
      to: last,
      lastClosed: last,
      areas: ['users'],
    });
    expect(report.computed).toBe(21);
    expect(await allFacts()).toEqual(snapshot);
  });
});
