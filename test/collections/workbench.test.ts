import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cny,
  drain,
  fund,
  fundedLoan,
  loanOf,
  openLendingApp,
  resetBorrowerSequence,
} from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * The collections workbench: cases opened by the day-close and assigned to a collector of the
 * stage's tier, worked under the conduct rules (hours, a daily limit, only registered contacts,
 * approved SMS templates), and a broken promise to pay raising its case to the top of the queue.
 */
let t: TestApp;
let collector: { authorization: string; userId: string };
let other: { authorization: string; userId: string };
let supervisor: { authorization: string; userId: string };
let small: { loanId: string; borrower: TestUser };
let large: { loanId: string; borrower: TestUser };
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
  expect(signIn.statusCode, signIn.body).toBe(200);
  return { authorization: `Bearer ${signIn.json().token}`, userId: created.json().userId as string };
}

/** Sets the wall clock to an hour of the current business date in Shanghai (UTC+8). */
function at(hourInShanghai: number) {
  const target = Date.parse(`${today}T00:00:00Z`) + (hourInShanghai - 8) * 3_600_000;
  const now = t.clock.now().getTime();
  if (target > now) t.clock.advanceMs(target - now);
  else throw new Error('the clock does not go back');
}

const cases = async (headers: Record<string, string>, query = '') =>
  t.app.inject({ method: 'GET', url: `/v1/collections/cases${query}`, headers });
const contact = (
  caseId: string,
  payload: object,
  headers: Record<string, string> = { authorization: collector.authorization },
) => t.app.inject({ method: 'POST', url: `/v1/collections/cases/${caseId}/contacts`, headers, payload });
const contactCount = async () =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from collection_contacts where collector_id is not null`.execute(
      t.platform.db,
    )
  ).rows[0]!.n;

beforeAll(async () => {
  t = await openLendingApp();
  collector = await staff('13700000201', ['collector']);
  other = await staff('13700000202', ['collector']);
  supervisor = await staff('13700000203', ['collection_supervisor']);
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
  small = await fundedLoan(t, { amount: '3000.00', term: 3, investors: 2 });
  large = await fundedLoan(t, { amount: '6000.00', term: 3, investors: 2 });
  await drain(t, small.borrower.userId);
  await drain(t, large.borrower.userId);
  const due1 = (await loanOf(t, small.borrower, small.loanId)).installments[0].dueDate as PlainDate;
  // Four days past due: both in M1, in the junior collector's phone queue (from day 3).
  await closeTo(t, addDays(due1, 4));
  today = await t.platform.batch.businessDate();
});
afterAll(() => t.close());

describe('the collections workbench', () => {
  let smallCase: string;
  let largeCase: string;

  it('queues the cases of the stage to a collector of its tier, by priority', async () => {
    const mine = await cases({ authorization: collector.authorization });
    expect(mine.statusCode, mine.body).toBe(200);
    const items = mine.json().items;
    expect(items.map((c: { loanId: string }) => c.loanId)).toEqual([large.loanId, small.loanId]);
    expect(items[0]).toMatchObject({ stage: 'M1', dpd: 4, brokenPromises: 0 });
    expect(items[0].priority).toBeGreaterThan(items[1].priority);
    [largeCase, smallCase] = items.map((c: { id: string }) => c.id);
    // Another collector's queue is empty, and they may not open these cases or see the queue of another.
    expect((await cases({ authorization: other.authorization })).json().items).toEqual([]);
    const peek = await t.app.inject({
      method: 'GET',
      url: `/v1/collections/cases/${largeCase}`,
      headers: { authorization: other.authorization },
    });
    expect(peek.statusCode).toBe(403);
    expect(
      (await cases({ authorization: other.authorization }, `?assignee=${collector.userId}`)).statusCode,
    ).toBe(403);
    // A supervisor sees every queue.
    const all = await cases({ authorization: supervisor.authorization }, '?assignee=all');
    expect(all.json().items).toHaveLength(2);
  });

  it('shows the case with the borrower masked, the loan and its schedule', async () => {
    const detail = await t.app.inject({
      method: 'GET',
      url: `/v1/collections/cases/${largeCase}`,
      headers: { authorization: collector.authorization },
    });
    expect(detail.statusCode, detail.body).toBe(200);
    const body = detail.json();
    expect(body.borrower.name).toBe('王*');
    expect(body.borrower.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(body.loan.installments).toHaveLength(3);
    // Four days past due: the first instalment, its penalty interest and the late fee.
    expect(Number(body.case.overdueAmount)).toBeGreaterThan(Number(body.loan.installments[0].principal) + 20);
  });

  it('refuses a contact at 22:00 in the borrower’s time zone, and writes nothing', async () => {
    at(22);
    const before = await contactCount();
    const late = await contact(largeCase, { channel: 'phone', party: 'borrower', outcome: 'no_answer' });
    expect(late.statusCode, late.body).toBe(422);
    expect(late.json().error.code).toBe('outside_contact_hours');
    expect(await contactCount()).toBe(before);
  });

  it('allows only the borrower and the contacts they registered, and SMS only from approved templates', async () => {
    today = await closeAndOpen();
    at(10);
    const stranger = await contact(largeCase, {
      channel: 'phone',
      party: '0190a0b0-0000-7000-8000-000000000001',
      outcome: 'no_answer',
    });
    expect(stranger.statusCode, stranger.body).toBe(400);
    expect(stranger.json().error.code).toBe('party_not_allowed');
    const registered = await t.app.inject({
      method: 'POST',
      url: '/v1/me/contacts',
      headers: large.borrower.headers,
      payload: { name: '王小明', relation: 'sibling', phone: '13912345678' },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const sibling = await contact(largeCase, {
      channel: 'phone',
      party: registered.json().id,
      outcome: 'no_answer',
    });
    expect(sibling.statusCode, sibling.body).toBe(201);
    const freeText = await contact(largeCase, { channel: 'sms', party: 'borrower', outcome: 'no_answer' });
    expect(freeText.statusCode).toBe(400);
    expect(freeText.json().error.code).toBe('sms_template_not_approved');
    const sms = await contact(largeCase, {
      channel: 'sms',
      party: 'borrower',
      outcome: 'no_answer',
      template: 'overdue',
    });
    expect(sms.statusCode, sms.body).toBe(201);
  });

  it('refuses the eleventh contact of the day with a borrower', async () => {
    const made = (
      await sql<{
        n: number;
      }>`select count(*)::int as n from collection_contacts where case_id = ${largeCase} and collector_id is not null
                               and business_date = ${today}`.execute(t.platform.db)
    ).rows[0]!.n;
    for (let i = made; i < 10; i++) {
      const ok = await contact(largeCase, {
        channel: 'phone',
        party: 'borrower',
        outcome: 'no_answer',
        note: `call ${i + 1}`,
      });
      expect(ok.statusCode, ok.body).toBe(201);
    }
    const eleventh = await contact(largeCase, { channel: 'phone', party: 'borrower', outcome: 'no_answer' });
    expect(eleventh.statusCode, eleventh.body).toBe(422);
    expect(eleventh.json().error.code).toBe('contact_limit_reached');
    // The limit is per borrower: the other case's borrower can still be called.
    const elsewhere = await contact(smallCase, { channel: 'phone', party: 'borrower', outcome: 'no_answer' });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
  });

  it('puts a case whose promise to pay was broken first in the queue the next day', async () => {
    const promised = await contact(smallCase, {
      channel: 'phone',
      party: 'borrower',
      outcome: 'promise_to_pay',
      promise: { amount: cny('500.00'), date: today },
    });
    expect(promised.statusCode, promised.body).toBe(201);
    const badPromise = await contact(smallCase, {
      channel: 'phone',
      party: 'borrower',
      outcome: 'promise_to_pay',
      promise: { amount: cny('500.00'), date: addDays(today, -1) },
    });
    expect(badPromise.statusCode).toBe(400);
    expect(badPromise.json().error.code).toBe('promise_date_invalid');
    // The same promise again (a double click): refused, and no second contact is recorded.
    const contactsOf = async () =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from collection_contacts where case_id = ${smallCase}`.execute(
          t.platform.db,
        )
      ).rows[0]!.n;
    const before = await contactsOf();
    const again = await contact(smallCase, {
      channel: 'phone',
      party: 'borrower',
      outcome: 'promise_to_pay',
      promise: { amount: cny('500.00'), date: today },
    });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.code).toBe('promise_already_made');
    expect(await contactsOf()).toBe(before);
    // Still the smaller case second today.
    let queue = (await cases({ authorization: collector.authorization })).json().items;
    expect(queue.map((c: { id: string }) => c.id)).toEqual([largeCase, smallCase]);
    // Nothing paid by the end of the promised day: broken, and the case comes first.
    today = await closeAndOpen();
    queue = (await cases({ authorization: collector.authorization })).json().items;
    expect(queue.map((c: { id: string }) => c.id)).toEqual([smallCase, largeCase]);
    expect(queue[0].brokenPromises).toBe(1);
    const detail = await t.app.inject({
      method: 'GET',
      url: `/v1/collections/cases/${smallCase}`,
      headers: { authorization: collector.authorization },
    });
    expect(detail.json().promises[0]).toMatchObject({ status: 'broken', amount: '500.00' });
  });

  it('reports promise-kept rates, collectors’ results and overdue by product, also as CSV', async () => {
    const report = await t.app.inject({
      method: 'GET',
      url: '/v1/collections/analysis',
      headers: { authorization: supervisor.authorization },
    });
    expect(report.statusCode, report.body).toBe(200);
    const body = report.json();
    expect(body.promises).toMatchObject({ kept: 0, broken: 1, keptRate: '0.0000' });
    const mine = body.collectors.find((c: { userId: string }) => c.userId === collector.userId);
    expect(mine).toMatchObject({ openCases: 2, promisesBroken: 1 });
    expect(mine.contacts).toBeGreaterThanOrEqual(12);
    expect(body.overdueByProduct).toEqual([expect.objectContaining({ productId: 'personal', cases: 2 })]);
    const csv = await t.app.inject({
      method: 'GET',
      url: '/v1/collections/analysis?format=csv',
      headers: { authorization: supervisor.authorization },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('section,key,subkey,cases,count,rate,amount');
    expect(csv.body).toContain('promises,broken,,,1,,');
    // Collectors may not read the analysis.
    const denied = await t.app.inject({
      method: 'GET',
      url: '/v1/collections/analysis',
      headers: { authorization: collector.authorization },
    });
    expect(denied.statusCode).toBe(403);
  });

  it('logs a "call" as a dialled phone contact and answers with a reference and the number masked', async () => {
    today = await closeAndOpen();
    at(10);
    const call = (caseId: string, target: string, headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/collections/cases/${caseId}/calls`,
        headers,
        payload: { target },
      });
    const mine = { authorization: collector.authorization };
    const before = await contactCount();
    // Only the borrower and their registered contacts; another collector's case is not theirs.
    const stranger = await call(largeCase, '0190a0b0-0000-7000-8000-000000000001', mine);
    expect(stranger.statusCode, stranger.body).toBe(400);
    expect(stranger.json().error.code).toBe('party_not_allowed');
    const notYours = await call(largeCase, 'borrower', { authorization: other.authorization });
    expect(notYours.statusCode).toBe(403);
    expect(await contactCount()).toBe(before);

    const placed = await call(largeCase, 'borrower', { ...mine, 'idempotency-key': 'call-large-1' });
    expect(placed.statusCode, placed.body).toBe(201);
    const body = placed.json();
    expect(body).toMatchObject({ caseId: largeCase, party: 'borrower' });
    expect(body.maskedNumber).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(body.maskedNumber).not.toBe(large.borrower.phone);
    expect(body.reference).toContain(body.id);
    // The same request again (a double click with its key) is answered once, not logged twice.
    const repeated = await call(largeCase, 'borrower', { ...mine, 'idempotency-key': 'call-large-1' });
    expect(repeated.json().id).toBe(body.id);
    expect(await contactCount()).toBe(before + 1);

    // A registered contact's number, masked too.
    const sibling = (
      await t.app.inject({ method: 'GET', url: '/v1/me/contacts', headers: large.borrower.headers })
    ).json().items[0];
    const toSibling = await call(largeCase, sibling.id, mine);
    expect(toSibling.statusCode, toSibling.body).toBe(201);
    expect(toSibling.json().maskedNumber).toBe('139****5678');

    // The attempts are in the case's contact history.
    const detail = (
      await t.app.inject({ method: 'GET', url: `/v1/collections/cases/${largeCase}`, headers: mine })
    ).json();
    expect(detail.contacts.slice(0, 2)).toEqual([
      expect.objectContaining({
        id: toSibling.json().id,
        channel: 'phone',
        outcome: 'dialled',
        party: sibling.id,
      }),
      expect.objectContaining({ id: body.id, channel: 'phone', outcome: 'dialled', party: 'borrower' }),
    ]);
    expect(detail.contacts[0].collectorId).toBe(collector.userId);

    // The conduct rules hold for calls: none after 21:00 in the borrower's time zone.
    at(21);
    const late = await call(largeCase, 'borrower', mine);
    expect(late.statusCode).toBe(422);
    expect(late.json().error.code).toBe('outside_contact_hours');
  });

  it('counts a call and the outcome logged after it as one contact toward the daily limit', async () => {
    today = await closeAndOpen();
    at(10);
    const asSupervisor = { authorization: supervisor.authorization };
    const settings = (
      await t.app.inject({ method: 'GET', url: '/v1/collections/settings', headers: asSupervisor })
    ).json();
    const withLimit = (maxContactsPerDay: number) =>
      t.app.inject({
        method: 'PUT',
        url: '/v1/collections/settings',
        headers: asSupervisor,
        payload: { ...settings, conduct: { ...settings.conduct, maxContactsPerDay } },
      });
    expect((await withLimit(3)).statusCode).toBe(200);
    const mine = { authorization: collector.authorization };
    const call = (caseId: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/collections/cases/${caseId}/calls`,
        headers: mine,
        payload: { target: 'borrower' },
      });
    const outcomeOf = (callId: string, extra: object = {}) =>
      contact(largeCase, { channel: 'phone', party: 'borrower', outcome: 'no_answer', callId, ...extra });

    // Three calls, each with its outcome: three contacts, all allowed under a limit of three.
    const calls: string[] = [];
    for (let i = 0; i < 3; i++) {
      const placed = await call(largeCase);
      expect(placed.statusCode, placed.body).toBe(201);
      calls.push(placed.json().id);
      const outcome = await outcomeOf(placed.json().id);
      expect(outcome.statusCode, outcome.body).toBe(201);
    }
    // The fourth is refused, as a call and as a contact logged on its own.
    const fourth = await call(largeCase);
    expect(fourth.statusCode, fourth.body).toBe(422);
    expect(fourth.json().error.code).toBe('contact_limit_reached');
    const logged = await contact(largeCase, { channel: 'phone', party: 'borrower', outcome: 'no_answer' });
    expect(logged.statusCode, logged.body).toBe(422);
    expect(logged.json().error.code).toBe('contact_limit_reached');
    // A call has one outcome, with the party called, by phone; an unknown call is not found.
    const twice = await outcomeOf(calls[0]!);
    expect(twice.statusCode, twice.body).toBe(409);
    expect(twice.json().error.code).toBe('call_outcome_recorded');
    expect((await outcomeOf(calls[1]!, { channel: 'visit' })).json().error.code).toBe(
      'call_outcome_by_phone',
    );
    const unknown = await outcomeOf('0190a0b0-0000-7000-8000-000000000002');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('call_not_found');
    // The history links each outcome to its call.
    const detail = (
      await t.app.inject({ method: 'GET', url: `/v1/collections/cases/${largeCase}`, headers: mine })
    ).json();
    expect(detail.contacts.slice(0, 2)).toEqual([
      expect.objectContaining({ outcome: 'no_answer', callId: calls[2] }),
      expect.objectContaining({ id: calls[2], outcome: 'dialled', callId: null, awaitingOutcome: false }),
    ]);

    // A call whose outcome is never logged still counts: three calls to the other borrower use the day.
    for (let i = 0; i < 3; i++) expect((await call(smallCase)).statusCode).toBe(201);
    const small = (
      await t.app.inject({ method: 'GET', url: `/v1/collections/cases/${smallCase}`, headers: mine })
    ).json();
    expect(small.contacts.slice(0, 3).map((c: { awaitingOutcome: boolean }) => c.awaitingOutcome)).toEqual([
      true,
      true,
      true,
    ]);
    const over = await call(smallCase);
    expect(over.statusCode, over.body).toBe(422);
    expect(over.json().error.code).toBe('contact_limit_reached');
    expect((await withLimit(settings.conduct.maxContactsPerDay)).statusCode).toBe(200);
  });
});

describe('when the loans are paid off', () => {
  it('closes the cases at the next close, even with no active loan left', async () => {
    for (const { loanId, borrower } of [small, large]) {
      await fund(t, borrower.userId, '10000.00');
      const paid = await t.app.inject({
        method: 'POST',
        url: `/v1/me/loans/${loanId}/payoff`,
        headers: borrower.headers,
        payload: {},
      });
      expect(paid.statusCode, paid.body).toBe(200);
      expect(paid.json().loanStatus).toBe('repaid');
    }
    today = await closeAndOpen();
    const open = await cases({ authorization: supervisor.authorization }, '?assignee=all');
    expect(open.json().items).toEqual([]);
    const closed = await cases({ authorization: supervisor.authorization }, '?assignee=all&status=closed');
    expect(closed.json().items).toHaveLength(2);
    for (const c of closed.json().items)
      expect(c).toMatchObject({ status: 'closed', closedOn: addDays(today, -1) });
    const aged = await sql<{ dpd: number }>`select dpd from loans where status = 'repaid'`.execute(
      t.platform.db,
    );
    expect(aged.rows.map((r) => r.dpd)).toEqual([0, 0]);
  });
});

/** Closes the business date and returns the new one. */
async function closeAndOpen(): Promise<PlainDate> {
  await closeTo(t, today);
  return t.platform.batch.businessDate();
}
