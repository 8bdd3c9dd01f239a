import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import type { PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  cny,
  customerWithLine,
  dayInterest,
  getLine,
  type LineJson,
  post,
  signInAgain,
  yuanText,
} from '../support/credit.ts';
import { borrower, drain, fund, nextAddress } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * The periodic review in the day-close. A good customer granted 10,000.00 uses 6,000.00 of it and
 * pays the statement of 02-01 on time; a late one draws 1,000.00 and never pays, delinquent from
 * 02-11. Both lines come up for review on 02-12 (brought forward from the product's six months so
 * that the scenario runs in weeks): the good line is raised by 20% in whole hundreds within the
 * product's largest limit, the delinquent one lowered to 80% (it uses less than that), each by a
 * memo posting, a 'reviewed' event the customer reads, and the next review six months on. The
 * review run again on the date changes nothing. The late line, 31 days late by 03-13 and cured on
 * 03-14, is frozen by its next review on 03-15, and curing does not lift that freeze.
 */
let t: TestApp;
let good: { user: TestUser; line: LineJson };
let late: { user: TestUser; line: LineJson };
let goodLimit: bigint;
let lateLimit: bigint;
const MAX_LIMIT = 5_000_000n;
const reviewed = { good: 0n, late: 0n };

async function reviewAgain(date: string) {
  const step = t.platform.credit.daySteps().find((s) => s.name === 'credit.review')!;
  return inTransaction(t.platform.db, (trx) => step.run(trx, date as PlainDate, { from: null, to: null }));
}

async function history(c: { user: TestUser; line: LineJson }) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${c.line.id}/history`,
    headers: c.user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as { kind: string; actor: string; reason: string; amount: unknown }[];
}

beforeAll(async () => {
  t = await openTestApp();
  const user = await borrower(t);
  const applied = await t.app.inject({
    method: 'POST',
    url: '/v1/credit/lines',
    headers: user.headers,
    remoteAddress: nextAddress(),
    payload: {
      monthlyIncome: cny('20000.00'),
      monthlyDebt: cny('500.00'),
      employmentYears: 6,
      requestedLimit: cny('10000.00'),
    },
  });
  expect(applied.statusCode, applied.body).toBe(201);
  good = { user, line: applied.json().line };
  late = await customerWithLine(t);
  goodLimit = cents(good.line.limit.amount);
  lateLimit = cents(late.line.limit.amount);
  expect(goodLimit).toBe(1_000_000n);
  expect(
    (await post(t, good.user, `/v1/credit/lines/${good.line.id}/draws`, { amount: cny('6000.00') }))
      .statusCode,
  ).toBe(201);
  expect(
    (await post(t, late.user, `/v1/credit/lines/${late.line.id}/draws`, { amount: cny('1000.00') }))
      .statusCode,
  ).toBe(201);
  await drain(t, late.user.userId);
  await sql`update credit_lines set review_on = '2026-02-12' where id = any(${[good.line.id, late.line.id]}::uuid[])`.execute(
    t.platform.db,
  );
});
afterAll(() => t.close());

it('has the good customer pay the statement on time and the late one miss it', async () => {
  await closeTo(t, '2026-02-01');
  good.user = await signInAgain(t, good.user);
  const billed = 28n * dayInterest(600_000n, good.line.pricing.dailyRate);
  const paid = await post(t, good.user, `/v1/credit/lines/${good.line.id}/repayments`, {
    amount: cny(yuanText(billed)),
  });
  expect(paid.statusCode, paid.body).toBe(201);
  await closeTo(t, '2026-02-11');
  expect(await t.platform.credit.delinquency(good.line.id)).toBeNull();
  expect((await t.platform.credit.delinquency(late.line.id))?.dpd).toBeGreaterThan(0);
  await checkLines(t);
});

it('raises the good line by 20% and lowers the delinquent one to 80%, in whole hundreds', async () => {
  await closeTo(t, '2026-02-12');
  good.user = await signInAgain(t, good.user);
  late.user = await signInAgain(t, late.user);

  const raised = ((goodLimit * 12n) / 10n / 10_000n) * 10_000n;
  const expectedGood = raised < MAX_LIMIT ? raised : MAX_LIMIT;
  const g = await getLine(t, good.user, good.line.id);
  expect(cents(g.limit.amount)).toBe(expectedGood);
  expect(cents(g.available.amount)).toBe(expectedGood - 600_000n);
  expect(cents((g.grantedLimit as { amount: string }).amount)).toBe(expectedGood);
  expect(g.reviewOn).toBe('2026-08-12');
  const goodEvent = (await history(good)).find((e) => e.kind === 'reviewed')!;
  expect(goodEvent.actor).toBe('system');
  expect(goodEvent.reason).toContain('raised');

  const lowered = ((lateLimit * 8n) / 10n / 10_000n) * 10_000n;
  const expectedLate = lowered > 100_000n ? lowered : 100_000n;
  const l = await getLine(t, late.user, late.line.id);
  expect(cents(l.limit.amount)).toBe(expectedLate);
  expect(cents(l.available.amount)).toBe(expectedLate - 100_000n);
  expect(l.status).toBe('frozen');
  expect(l.reviewOn).toBe('2026-08-12');
  Object.assign(reviewed, { good: expectedGood, late: expectedLate });
  const lateEvent = (await history(late)).find((e) => e.kind === 'reviewed')!;
  expect(lateEvent.reason).toContain('lowered');
  await checkLines(t);
});

it('changes nothing when the review runs again on the date', async () => {
  expect(await reviewAgain('2026-02-12')).toBe(0);
  expect((await t.platform.credit.balances(good.line.id)).limit).toBe(reviewed.good);
  expect((await t.platform.credit.balances(late.line.id)).limit).toBe(reviewed.late);
  const events = await sql<{ n: number }>`select count(*)::int as n from credit_line_events
    where kind = 'reviewed' and line_id = any(${[good.line.id, late.line.id]}::uuid[])`.execute(
    t.platform.db,
  );
  expect(events.rows[0]!.n).toBe(2);
  await checkLines(t);
});

it('freezes at its next review a line that was more than 30 days late, though cured since', async () => {
  // The late line's next review brought forward again, to 03-15.
  await sql`update credit_lines set review_on = '2026-03-15' where id = ${late.line.id}::uuid`.execute(
    t.platform.db,
  );
  await closeTo(t, '2026-03-13');
  late.user = await signInAgain(t, late.user);
  // 31 days past the due date of 02-10 at the close of 03-13; then everything billed is repaid.
  expect(await t.platform.credit.delinquency(late.line.id)).toMatchObject({ since: '2026-02-10', dpd: 32 });
  const billed = cents((await getLine(t, late.user, late.line.id)).owed.billed.amount);
  expect(billed).toBeGreaterThan(0n);
  await fund(t, late.user.userId, yuanText(billed));
  const repaid = await post(t, late.user, `/v1/credit/lines/${late.line.id}/repayments`, {
    amount: cny(yuanText(billed)),
  });
  expect(repaid.statusCode, repaid.body).toBe(201);
  await closeTo(t, '2026-03-14');
  late.user = await signInAgain(t, late.user);
  expect((await getLine(t, late.user, late.line.id)).status).toBe('active');

  await closeTo(t, '2026-03-16');
  late.user = await signInAgain(t, late.user);
  const l = await getLine(t, late.user, late.line.id);
  expect(l.status).toBe('frozen');
  // The freeze keeps the limit the last review set; curing does not lift a review's freeze.
  expect(cents(l.limit.amount)).toBe(reviewed.late);
  const frozenBy = await sql<{ frozen_by: string }>`select frozen_by from credit_lines
    where id = ${late.line.id}::uuid`.execute(t.platform.db);
  expect(frozenBy.rows[0]!.frozen_by).toBe('review');
  const event = (await history(late)).find((e) => e.kind === 'reviewed')!;
  expect(event.reason).toContain('up to 31 days late');
  expect(l.reviewOn).toBe('2026-09-15');
  await checkLines(t);
});
