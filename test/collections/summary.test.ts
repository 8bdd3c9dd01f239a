import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import { cny, drain, fundedLoan, loanOf, openLendingApp, resetBorrowerSequence } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';

/**
 * The collector's dashboard figures (GET /v1/collections/summary): their open cases by stage with the
 * amount overdue, promises due today, the kept rate over 30 days, cases contacted today; a supervisor's
 * for the whole team. Each figure is recomputed here from the cases and contacts the test makes.
 */
let t: TestApp;
let collector: { authorization: string; userId: string };
let other: { authorization: string; userId: string };
let supervisor: { authorization: string; userId: string };
let today: PlainDate;

async function staff(phone: string, roles: string[]) {
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/staff',
    headers: asAdmin,
    payload: { phone, password: 'collect123', displayName: roles[0], roles },
  });
  expect(created.statusCode, created.body).toBe(201);
  const signIn = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/sign-in',
    payload: { phone, password: 'collect123' },
  });
  return { authorization: `Bearer ${signIn.json().token}`, userId: created.json().userId as string };
}

const summary = (who: { authorization: string }, query = '') =>
  t.app.inject({
    method: 'GET',
    url: `/v1/collections/summary${query}`,
    headers: { authorization: who.authorization },
  });

/** Sets the wall clock to an hour of the current business date in Shanghai (UTC+8). */
function at(hourInShanghai: number) {
  const target = Date.parse(`${today}T00:00:00Z`) + (hourInShanghai - 8) * 3_600_000;
  const now = t.clock.now().getTime();
  if (target > now) t.clock.advanceMs(target - now);
}

beforeAll(async () => {
  t = await openLendingApp();
  collector = await staff('13700000301', ['collector']);
  other = await staff('13700000302', ['collector']);
  supervisor = await staff('13700000303', ['collection_supervisor']);
  for (const [who, tier] of [
    [collector, 'junior'],
    [other, 'senior'],
  ] as const) {
    const made = await t.app.inject({
      method: 'PUT',
      url: `/v1/collections/collectors/${who.userId}`,
      headers: { authorization: supervisor.authorization },
      payload: { tier },
    });
    expect(made.statusCode, made.body).toBe(200);
  }
  resetBorrowerSequence();
  const first = await fundedLoan(t, { amount: '3000.00', term: 3, investors: 2 });
  await drain(t, first.borrower.userId);
  const due = (await loanOf(t, first.borrower, first.loanId)).installments[0].dueDate as PlainDate;
  await closeTo(t, addDays(due, 4));
  today = await t.platform.batch.businessDate();
  // Lending a loan and closing a month of days takes a while on a busy machine.
}, 180_000);
afterAll(() => t.close());

describe("the collections dashboard's figures", () => {
  it("counts a collector's own cases, promises due today and cases contacted today", async () => {
    const queue = (
      await t.app.inject({
        method: 'GET',
        url: '/v1/collections/cases',
        headers: { authorization: collector.authorization },
      })
    ).json().items as { id: string; stage: string; overdueAmount: string }[];
    expect(queue).toHaveLength(1);
    const overdue = queue.reduce((sum, c) => sum + Math.round(Number(c.overdueAmount) * 100), 0);
    const expected = `${Math.floor(overdue / 100)}.${String(overdue % 100).padStart(2, '0')}`;

    const before = await summary(collector);
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json()).toMatchObject({
      businessDate: today,
      scope: 'me',
      openCases: [{ stage: 'M1', count: 1, overdueAmount: { amount: expected, currency: 'CNY' } }],
      promisesDueToday: { count: 0, amount: { amount: '0.00', currency: 'CNY' } },
      promises30d: { kept: 0, broken: 0, keptRate: null },
      casesTouchedToday: 0,
    });

    at(10);
    const promised = await t.app.inject({
      method: 'POST',
      url: `/v1/collections/cases/${queue[0]!.id}/contacts`,
      headers: { authorization: collector.authorization },
      payload: {
        channel: 'phone',
        party: 'borrower',
        outcome: 'promise_to_pay',
        promise: { amount: cny('123.45'), date: today },
      },
    });
    expect(promised.statusCode, promised.body).toBe(201);
    const after = (await summary(collector)).json();
    expect(after.promisesDueToday).toEqual({ count: 1, amount: { amount: '123.45', currency: 'CNY' } });
    expect(after.casesTouchedToday).toBe(1);
    // Another collector's figures are their own: no cases, nothing due, nothing touched.
    expect((await summary(other)).json()).toMatchObject({
      openCases: [],
      promisesDueToday: { count: 0 },
      casesTouchedToday: 0,
    });
  });

  it("shows the team's figures to a supervisor only, and a broken promise in the kept rate", async () => {
    const junior = await summary(collector, '?scope=team');
    expect(junior.statusCode).toBe(403);
    expect(junior.json().error.code).toBe('supervisor_only');
    const team = (await summary(supervisor, '?scope=team')).json();
    expect(team.openCases.reduce((n: number, c: { count: number }) => n + c.count, 0)).toBe(1);
    expect(team.promisesDueToday.count).toBe(1);
    // Nothing paid by the end of the promised day: broken, 0 of 1 kept.
    await closeTo(t, today);
    const mine = (await summary(collector)).json();
    expect(mine.promises30d).toEqual({ kept: 0, broken: 1, keptRate: '0.0000' });
    expect(mine.promisesDueToday.count).toBe(0);
    const bad = await summary(collector, '?scope=everyone');
    expect(bad.statusCode).toBe(400);
  });
});
