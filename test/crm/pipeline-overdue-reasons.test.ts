import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlainDate } from '../../src/kernel/index.ts';
import { get, post, type Staff, signInAgain, staff, type TaskJson } from '../support/crm-pipeline.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp } from '../support/users.ts';

/**
 * The manager's views of the pipeline: overdue tasks per owner as the clock moves past their due
 * times (and as tasks are done and reassigned), and the "definitely not" reasons counted by reason,
 * period and product interest, checked against a count by hand.
 */
let t: TestApp;
let ann: Staff;
let bob: Staff;
let finance: Staff;
const admin = { headers: asAdmin };

async function prospect(owner: Staff, stage: string, productInterest?: string) {
  const customer = await signUp(t);
  const response = await post(t, owner, '/v1/crm/prospects', {
    userId: customer.userId,
    stage,
    ...(productInterest ? { productInterest } : {}),
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().prospect.id as string;
}
const overdue = async () => {
  const response = await get(t, admin, '/v1/crm/pipeline/overdue');
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as { owners: { owner: { id: string }; count: number }[]; tasks: TaskJson[] };
  return { per: Object.fromEntries(body.owners.map((o) => [o.owner.id, o.count])), tasks: body.tasks };
};
/** Moves the wall clock to an instant (never back). */
async function clockTo(iso: string) {
  const delta = Date.parse(iso) - t.clock.now().getTime();
  expect(delta).toBeGreaterThan(0);
  t.clock.advanceMs(delta);
  for (const who of [ann, bob, finance]) await signInAgain(t, who);
}

beforeAll(async () => {
  t = await openTestApp();
  ann = await staff(t, 'operations', 'Ann');
  bob = await staff(t, 'operations', 'Bob');
  finance = await staff(t, 'finance', 'Fay');
});
afterAll(() => t.close());

describe('overdue tasks per owner', () => {
  it('counts open tasks past due as the clock moves, per owner', async () => {
    expect(t.platform.clock.businessDate()).toBe('2026-01-05');
    const a1 = await prospect(ann, 'interested');
    await prospect(ann, 'interested');
    await prospect(bob, 'hesitating');
    expect(await overdue()).toEqual({ per: {}, tasks: [] });

    // Ann's follow-ups fall due on Tuesday at 18:00 in Shanghai.
    await clockTo('2026-01-06T09:59:59Z');
    expect((await overdue()).per).toEqual({});
    await clockTo('2026-01-06T10:00:01Z');
    let view = await overdue();
    expect(view.per).toEqual({ [ann.userId]: 2 });
    expect(view.tasks.every((task) => task.overdue && task.kind === 'follow_up')).toBe(true);

    // Ann does one; a manager gives the other to Bob.
    const a1Task = (await get(t, ann, `/v1/crm/prospects/${a1}`)).json().tasks[0] as TaskJson;
    const done = await post(t, ann, `/v1/crm/tasks/${a1Task.id}/complete`, { outcome: 'Sent the brochure' });
    expect(done.statusCode, done.body).toBe(200);
    view = await overdue();
    expect(view.per).toEqual({ [ann.userId]: 1 });
    const remaining = view.tasks[0]!;
    expect(remaining.id).not.toBe(a1Task.id);
    const refused = await post(t, admin, `/v1/crm/tasks/${remaining.id}/reassign`, {
      ownerId: finance.userId,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('owner_not_follower');
    const moved = await post(t, admin, `/v1/crm/tasks/${remaining.id}/reassign`, { ownerId: bob.userId });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await overdue()).per).toEqual({ [bob.userId]: 1 });

    // A week on, Bob's nurture task (due Monday 12 January) is late too.
    await clockTo('2026-01-12T10:00:01Z');
    expect((await overdue()).per).toEqual({ [bob.userId]: 2 });
    const bobs = await get(t, bob, '/v1/crm/tasks?overdue=true');
    expect((bobs.json().items as TaskJson[]).map((task) => task.kind).sort()).toEqual([
      'follow_up',
      'nurture',
    ]);
    const annsNow = await get(t, ann, '/v1/crm/tasks?overdue=true');
    expect(annsNow.json().items).toEqual([]);
  });

  it("is the manager's view: a role without crm:manage is refused", async () => {
    const response = await get(t, finance, '/v1/crm/pipeline/overdue');
    expect(response.statusCode).toBe(403);
  });
});

describe('"definitely not" reasons for the product teams', () => {
  it('counts by reason, by period and by product interest, as counted by hand', async () => {
    const wealth = await prospect(ann, 'interested', 'wealth');
    const lending = await prospect(bob, 'interested', 'lending');
    const none = await prospect(ann, 'interested');
    const moves: [PlainDate, string, string][] = [
      ['2026-01-20' as PlainDate, wealth, 'rate_too_low'],
      ['2026-01-20' as PlainDate, wealth, 'rate_too_low'],
      ['2026-01-21' as PlainDate, lending, 'trust'],
      ['2026-02-02' as PlainDate, wealth, 'trust'],
      ['2026-02-03' as PlainDate, none, 'other'],
      ['2026-02-03' as PlainDate, lending, 'rate_too_low'],
    ];
    for (const [date, id, reasonCode] of moves) {
      t.clock.setBusinessDate(date);
      const no = await post(t, admin, `/v1/crm/prospects/${id}/stage`, {
        stage: 'definitely_not',
        reasonCode,
        reasonText: 'in their words',
      });
      expect(no.statusCode, no.body).toBe(200);
      const back = await post(t, admin, `/v1/crm/prospects/${id}/stage`, { stage: 'interested' });
      expect(back.statusCode, back.body).toBe(200);
    }
    const month = await get(
      t,
      finance,
      '/v1/crm/pipeline/reasons?from=2026-01-01&to=2026-02-28&period=month',
    );
    expect(month.statusCode, month.body).toBe(200);
    const body = month.json();
    expect(body.total).toBe(6);
    expect(body.byReason.map((r: { code: string; count: number }) => [r.code, r.count])).toEqual([
      ['rate_too_low', 3],
      ['trust', 2],
      ['other', 1],
    ]);
    expect(body.byReason[0].label).toEqual({ en: 'Return too low', zh: '收益率太低' });
    expect(body.byPeriod).toEqual([
      { period: '2026-01-01', total: 3, reasons: { rate_too_low: 2, trust: 1 } },
      { period: '2026-02-01', total: 3, reasons: { other: 1, rate_too_low: 1, trust: 1 } },
    ]);
    const byProduct = Object.fromEntries(
      body.byProduct.map((p: { product: string; reasons: object }) => [p.product, p.reasons]),
    );
    expect(byProduct).toEqual({
      wealth: { rate_too_low: 2, trust: 1 },
      lending: { trust: 1, rate_too_low: 1 },
      none: { other: 1 },
    });

    const weeks = await get(t, finance, '/v1/crm/pipeline/reasons?from=2026-01-21&to=2026-02-02&period=week');
    expect(weeks.json().total).toBe(2);
    expect(weeks.json().byPeriod).toEqual([
      { period: '2026-01-19', total: 1, reasons: { trust: 1 } },
      { period: '2026-02-02', total: 1, reasons: { trust: 1 } },
    ]);
    const backwards = await get(t, finance, '/v1/crm/pipeline/reasons?from=2026-02-01&to=2026-01-01');
    expect(backwards.statusCode).toBe(400);
  });
});
