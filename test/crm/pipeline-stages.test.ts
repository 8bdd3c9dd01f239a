import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminAudit,
  type DetailJson,
  get,
  post,
  type Staff,
  staff,
  type TaskJson,
} from '../support/crm-pipeline.ts';
import { onPostgres, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser } from '../support/users.ts';

/**
 * A prospect taken through every stage of the pipeline with the follow-up task each stage creates,
 * dated on the business calendar (business date Monday 2026-01-05, Tuesday a holiday, tasks due at
 * 18:00 Shanghai): a missing required field refused with nothing written, an Idempotency-Key replay
 * creating no second task, concurrent changes serialised, and one follower kept from another's prospects.
 */
let t: TestApp;
let follower: Staff;
let colleague: Staff;
let finance: Staff;
let customer: TestUser;
let prospectId: string;

const counts = async () => {
  const changes = await sql<{
    n: number;
  }>`select count(*)::int as n from crm_stage_changes where prospect_id = ${prospectId}`.execute(
    t.platform.db,
  );
  const tasks = await sql<{
    n: number;
  }>`select count(*)::int as n from crm_tasks where prospect_id = ${prospectId}`.execute(t.platform.db);
  return { changes: changes.rows[0]!.n, tasks: tasks.rows[0]!.n };
};
const detail = async (who: Staff = follower) => {
  const response = await get(t, who, `/v1/crm/prospects/${prospectId}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as DetailJson;
};
const openTasks = (d: DetailJson) => d.tasks.filter((task) => task.status === 'open');
const stage = (payload: object, who: Staff = follower, key?: string) =>
  post(t, who, `/v1/crm/prospects/${prospectId}/stage`, payload, key);

beforeAll(async () => {
  t = await openTestApp();
  expect(t.platform.clock.businessDate()).toBe('2026-01-05');
  await t.platform.wealth.addHoliday({ date: '2026-01-06', name: 'Test holiday' }, adminAudit);
  follower = await staff(t, 'operations', 'Follower One');
  colleague = await staff(t, 'operations', 'Follower Two');
  finance = await staff(t, 'finance', 'Finance');
  customer = await signUp(t);
});
afterAll(() => t.close());

describe('a prospect through every stage', () => {
  it('enters as interested, with a follow-up due the next business day (past the holiday)', async () => {
    const created = await post(t, follower, '/v1/crm/prospects', {
      userId: customer.userId,
      productInterest: 'wealth',
      note: 'Asked about fixed-term products at the branch',
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json() as DetailJson;
    prospectId = body.prospect.id;
    expect(body.prospect.stage).toBe('interested');
    expect(body.prospect.user.phone).not.toBe(customer.phone);
    expect(body.prospect.user.phone).toContain('*');
    expect(body.history).toMatchObject([{ from: null, to: 'interested', by: { id: follower.userId } }]);
    expect(openTasks(body)).toMatchObject([
      {
        kind: 'follow_up',
        dueOn: '2026-01-07',
        dueAt: '2026-01-07T10:00:00.000Z',
        owner: { id: follower.userId },
      },
    ]);
    const again = await post(t, follower, '/v1/crm/prospects', { userId: customer.userId });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('prospect_exists');
  });

  it('hesitating: the follow-up is replaced by one a week on, with content suggestions', async () => {
    const response = await stage({ stage: 'hesitating', note: 'Worried about safety' });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as DetailJson;
    const open = openTasks(body);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: 'nurture', dueOn: '2026-01-12' });
    expect(open[0]!.suggestions.map((s) => s.id)).toEqual([
      'how_funds_are_held',
      'disclosure_figures',
      'customer_stories',
    ]);
    expect(open[0]!.suggestions[0]!.title.zh).toBeTruthy();
    expect(body.tasks.find((task) => task.kind === 'follow_up')).toMatchObject({
      status: 'cancelled',
      outcome: 'stage changed',
    });
  });

  it('not now without the date they expect to buy is refused, and nothing is written', async () => {
    const before = await counts();
    const response = await stage({ stage: 'not_now' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('expected_date_required');
    const past = await stage({ stage: 'not_now', expectedOn: '2026-01-05' });
    expect(past.json().error.code).toBe('expected_date_not_future');
    expect(await counts()).toEqual(before);
    expect((await detail()).prospect.stage).toBe('hesitating');
  });

  it('not now: a check-in on the last business day before the date they expect to buy', async () => {
    // 2026-03-01 is a Sunday: the task falls on Friday 27 February.
    const response = await stage({ stage: 'not_now', expectedOn: '2026-03-01', note: 'After the bonus' });
    expect(response.statusCode, response.body).toBe(200);
    expect(openTasks(response.json())).toMatchObject([{ kind: 'check_in', dueOn: '2026-02-27' }]);
  });

  it('definitely not without a reason is refused with a 400, and nothing is written', async () => {
    const before = await counts();
    for (const [payload, code] of [
      [{ stage: 'definitely_not' }, 'reason_required'],
      [{ stage: 'definitely_not', reasonText: 'just no' }, 'reason_required'],
      [{ stage: 'definitely_not', reasonCode: 'no_such_reason' }, 'reason_unknown'],
      [{ stage: 'definitely_not', reasonCode: 'other' }, 'reason_text_required'],
    ] as const) {
      const response = await stage(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe(code);
    }
    expect(await counts()).toEqual(before);
    const d = await detail();
    expect(d.prospect.stage).toBe('not_now');
    expect(openTasks(d)).toHaveLength(1);
  });

  it('definitely not with a reason: no task is left open', async () => {
    const response = await stage({
      stage: 'definitely_not',
      reasonCode: 'rate_too_low',
      reasonText: 'Bank deposit pays nearly as much',
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as DetailJson;
    expect(openTasks(body)).toHaveLength(0);
    expect(body.history[0]).toMatchObject({
      from: 'not_now',
      to: 'definitely_not',
      reasonCode: 'rate_too_low',
    });
  });

  it('an Idempotency-Key replay of a stage change creates no second task', async () => {
    const before = await counts();
    const first = await stage({ stage: 'interested', note: 'Called back' }, follower, 'pipeline-replay-1');
    const replay = await stage({ stage: 'interested', note: 'Called back' }, follower, 'pipeline-replay-1');
    expect(first.statusCode, first.body).toBe(200);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(first.json());
    expect(await counts()).toEqual({ changes: before.changes + 1, tasks: before.tasks + 1 });
  });

  it("keeps a follower away from another's prospect and task; a manager may act", async () => {
    const task = openTasks(await detail())[0]!;
    const pipeline = t.platform.crmPipeline;
    const intruder = { userId: colleague.userId, manager: false };
    await expect(pipeline.prospect(prospectId, intruder)).rejects.toMatchObject({
      code: 'prospect_not_yours',
    });
    await expect(
      pipeline.changeStage(prospectId, intruder, 'hesitating', {}, adminAudit),
    ).rejects.toMatchObject({ code: 'prospect_not_yours' });
    await expect(
      pipeline.closeTask(task.id, intruder, { status: 'done', outcome: 'mine now' }, adminAudit),
    ).rejects.toMatchObject({ code: 'task_not_yours' });
    const mine = await pipeline.prospects({ ownerId: colleague.userId, limit: 50 });
    expect(mine).toHaveLength(0);
    // Roles without crm:follow are refused by the route; a customer too.
    for (const who of [finance, { headers: customer.headers } as Staff]) {
      const response = await stage({ stage: 'hesitating' }, who);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('permission_denied');
    }
    expect(openTasks(await detail())).toEqual([task]);
    // A manager (crm:manage: operations here) reads it.
    expect(
      (await pipeline.prospect(prospectId, { userId: colleague.userId, manager: true })).prospect.id,
    ).toBe(prospectId);
  });

  it('the owner completes their task with an outcome, once', async () => {
    const task = openTasks(await detail())[0]!;
    const done = await post(t, follower, `/v1/crm/tasks/${task.id}/complete`, {
      outcome: 'Booked a meeting',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', outcome: 'Booked a meeting' });
    const twice = await post(t, follower, `/v1/crm/tasks/${task.id}/complete`, { outcome: 'again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('task_closed');
    const mine = await get(t, follower, '/v1/crm/tasks?status=done');
    expect((mine.json().items as TaskJson[]).map((x) => x.id)).toContain(task.id);
  });

  it('concurrent stage changes are serialised: every change starts where the one before ended', async () => {
    const targets = ['hesitating', 'interested', 'hesitating', 'interested', 'hesitating', 'interested'];
    const responses = await Promise.all(targets.map((to) => stage({ stage: to })));
    for (const r of responses) expect(r.statusCode, r.body).toBe(200);
    const d = await detail();
    const history = [...d.history].reverse();
    for (let i = 1; i < history.length; i++) expect(history[i]!.from).toBe(history[i - 1]!.to);
    expect(openTasks(d)).toHaveLength(1);
    if (onPostgres) expect(history.length).toBeGreaterThanOrEqual(targets.length);
  });

  it('leaves the pipeline: its tasks are cancelled and it moves no more', async () => {
    const left = await stage({ stage: 'left', note: 'Became a customer' });
    expect(left.statusCode, left.body).toBe(200);
    expect(openTasks(left.json())).toHaveLength(0);
    const d = await detail();
    expect(
      d.history
        .map((h) => h.to)
        .slice(-6)
        .reverse(),
    ).toEqual(expect.arrayContaining(['interested', 'hesitating', 'not_now', 'definitely_not']));
    expect(d.history.at(-1)).toMatchObject({ from: null, to: 'interested' });
    const after = await stage({ stage: 'interested' });
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('prospect_left');
    // Having left, the customer may enter the pipeline again.
    const back = await post(t, follower, '/v1/crm/prospects', {
      userId: customer.userId,
      stage: 'hesitating',
    });
    expect(back.statusCode, back.body).toBe(201);
  });
});
