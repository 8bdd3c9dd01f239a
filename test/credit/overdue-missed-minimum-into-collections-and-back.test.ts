import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
  staffMember,
  yuanText,
} from '../support/credit.ts';
import { fund } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A missed minimum payment into penalty and collections, and back (issue 17). A cash draw of
 * 5,000.00 on 2026-01-05 bears daily interest, billed on the statement of 2026-02-01 (due 02-10) as
 * its minimum payment. Nothing is paid: from the close of 02-11 the statement bears penalty interest,
 * the line is delinquent (1 day past due, bucket M1), frozen by the system with its reason shown to
 * the customer, found by staff's overdue filter, and a collections case opens for it in the
 * workbench. A promise to pay 10.00, logged in the workbench, is kept by a repayment on the line
 * while the case stays open. The customer repays what the statement owes: at the next close the line
 * is cured, unfrozen by the system and the case closed; a later freeze by staff stays. The ledger verifies after every step.
 */
let t: TestApp;
let user: TestUser;
let officer: TestUser;
let supervisor: TestUser;
let line: LineJson;
const DRAWN = 500_000n;
let interestBilled: bigint;
let statementId: string;

/** round_half_up(x × 0.0005), the default penalty rate, in integers. */
const penaltyOf = (unpaid: bigint) => (2n * unpaid * 5n + 10_000n) / 20_000n;

async function statement() {
  const rows = await sql<{
    id: string;
    due_on: string;
    billed_interest: bigint;
    billed_principal: bigint;
    min_payment: bigint;
  }>`select id, due_on::text as due_on, billed_interest, billed_principal, min_payment from credit_statements
     where line_id = ${line.id}::uuid order by statement_date`.execute(t.platform.db);
  return rows.rows;
}

async function casesOfLine() {
  const response = await t.app.inject({
    method: 'GET',
    url: '/v1/collections/cases?assignee=all&subject=credit_line&status=open',
    headers: supervisor.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as {
    id: string;
    subject: { kind: string; id: string };
    lineId: string;
    loanId: string | null;
    stage: string;
    dpd: number;
    overdueAmount: { amount: string } | string;
    status: string;
  }[];
}

const amountOf = (value: { amount: string } | string) =>
  cents(typeof value === 'string' ? value : value.amount);

/** The day-close's figures of the line book in bucket M1 on a date: lines, and amount overdue. */
async function bookM1(date: string) {
  const rows = await sql<{
    metric: string;
    value: string;
  }>`select metric, value::int8::text as value from daily_snapshots
    where business_date = ${date} and dimension = 'M1' and metric like 'credit_lines.%' order by metric`.execute(
    t.platform.db,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.metric, BigInt(r.value)]));
}

async function overdueSearch(): Promise<string[]> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/v1/credit/staff/lines?overdue=true',
    headers: officer.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items.map((l: { id: string }) => l.id);
}

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
  officer = await staffMember(t, ['risk_officer']);
  supervisor = await staffMember(t, ['collection_supervisor']);
});
afterAll(() => t.close());

it('bills the interest of a cash draw on the statement as its minimum payment', async () => {
  const drawn = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny(yuanText(DRAWN)) });
  expect(drawn.statusCode, drawn.body).toBe(201);
  await closeTo(t, '2026-02-01');
  const [first] = await statement();
  expect(first).toBeDefined();
  statementId = first!.id;
  // 2026-01-05 to 2026-02-01: 28 closes of interest, all billed on the statement of the 1st.
  interestBilled = 28n * dayInterest(DRAWN, line.pricing.dailyRate);
  expect(first!.billed_interest).toBe(interestBilled);
  expect(first!.billed_principal).toBe(0n);
  expect(first!.min_payment).toBe(interestBilled);
  expect(first!.due_on).toBe('2026-02-10');
  await checkLines(t);
});

it('is not frozen by the close of the due date; past it, the line shows a day past due', async () => {
  await closeTo(t, '2026-02-10');
  user = await signInAgain(t, user);
  officer = await signInAgain(t, officer);
  expect((await getLine(t, user, line.id)).status).toBe('active');
  expect(await overdueSearch()).not.toContain(line.id);
  // The business date is now 02-11: the due date has passed, and the line's figures say so at once
  // (a payment today still keeps it from being frozen at tonight's close).
  expect(await t.platform.batch.businessDate()).toBe('2026-02-11');
  expect(await t.platform.credit.delinquency(line.id)).toMatchObject({ dpd: 1, since: '2026-02-10' });
});

it('goes overdue the day after: penalty, an automatic freeze, the overdue filter and a collections case', async () => {
  await closeTo(t, '2026-02-11');
  user = await signInAgain(t, user);
  officer = await signInAgain(t, officer);
  supervisor = await signInAgain(t, supervisor);
  const penalty = penaltyOf(interestBilled);
  const penaltyAccount = await t.platform.ledger.lookupAccounts([`stmt:${statementId}:penalty`]);
  expect(penaltyAccount[0]!.debitsPosted).toBe(penalty);

  const now = await getLine(t, user, line.id);
  expect(now.status).toBe('frozen');
  expect(now.frozenReason).toContain('2026-02-10');
  const delinquency = await t.platform.credit.delinquency(line.id);
  // Live, on the new business date 02-12: two days past the due date (the close of 02-11 counted one).
  expect(delinquency).toEqual({
    dpd: 2,
    bucket: 'M1',
    since: '2026-02-10',
    overdueAmount: interestBilled + penalty,
  });
  // The customer and staff read it in the line's JSON.
  expect(now.delinquency).toEqual({
    dpd: 2,
    bucket: 'M1',
    since: '2026-02-10',
    overdue: cny(yuanText(interestBilled + penalty)),
  });
  const frozenBy = await sql<{
    frozen_by: string;
  }>`select frozen_by from credit_lines where id = ${line.id}::uuid`.execute(t.platform.db);
  expect(frozenBy.rows[0]!.frozen_by).toBe('delinquency');

  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  const latest = history.json().items[0];
  expect([latest.kind, latest.actor]).toEqual(['frozen', 'system']);
  expect(latest.reason).toContain('minimum payment');

  // The dashboards' figures of the close: one line in M1, with what it had overdue then.
  expect(await bookM1('2026-02-11')).toEqual({
    'credit_lines.count': 1n,
    'credit_lines.overdue_amount': interestBilled + penalty,
  });
  const refused = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('100.00') });
  expect(refused.statusCode).toBe(422);
  expect(refused.json().error.code).toBe('line_frozen');
  expect(await overdueSearch()).toContain(line.id);

  const cases = await casesOfLine();
  expect(cases).toHaveLength(1);
  expect(cases[0]!.subject).toEqual({ kind: 'credit_line', id: line.id });
  expect(cases[0]!.loanId).toBeNull();
  expect([cases[0]!.stage, cases[0]!.dpd]).toEqual(['M1', 1]);
  expect(amountOf(cases[0]!.overdueAmount)).toBe(interestBilled + penalty);
  const detail = await t.app.inject({
    method: 'GET',
    url: `/v1/collections/cases/${cases[0]!.id}`,
    headers: supervisor.headers,
  });
  expect(detail.statusCode, detail.body).toBe(200);
  expect(detail.json().loan).toBeNull();
  expect(detail.json().line.id).toBe(line.id);
  expect(detail.json().line.delinquency.dpd).toBe(2);
  await checkLines(t);
});

it('follows the days past due while nothing is paid', async () => {
  await closeTo(t, '2026-02-13');
  supervisor = await signInAgain(t, supervisor);
  // Penalty of three days, each on the unpaid interest (penalty itself bears none).
  const penalty = 3n * penaltyOf(interestBilled);
  const cases = await casesOfLine();
  expect([cases[0]!.stage, cases[0]!.dpd]).toEqual(['M1', 3]);
  expect(amountOf(cases[0]!.overdueAmount)).toBe(interestBilled + penalty);
  await checkLines(t);
});

/** What the statement still owes after the partial repayment of 02-14 (set by the promise test). */
let owedAfterPromise = 0n;

it('keeps a promise to pay when the line receives the amount, the case still open', async () => {
  // 10:00 in Shanghai on 02-14, within the contact hours: the customer promises 10.00 today.
  t.clock.advanceMs(Date.parse('2026-02-14T02:00:00Z') - t.clock.now().getTime());
  supervisor = await signInAgain(t, supervisor);
  user = await signInAgain(t, user);
  const [open] = await casesOfLine();
  const contact = await post(t, supervisor, `/v1/collections/cases/${open!.id}/contacts`, {
    channel: 'phone',
    party: 'borrower',
    outcome: 'promise_to_pay',
    promise: { amount: cny('10.00'), date: '2026-02-14' },
  });
  expect(contact.statusCode, contact.body).toBe(201);
  expect(
    (await post(t, user, `/v1/credit/lines/${line.id}/repayments`, { amount: cny('10.00') })).statusCode,
  ).toBe(201);
  await closeTo(t, '2026-02-14');
  supervisor = await signInAgain(t, supervisor);
  const promise = await sql<{ status: string }>`select status from collection_promises
    where id = ${contact.json().promiseId}::uuid`.execute(t.platform.db);
  expect(promise.rows[0]!.status).toBe('kept');
  // The waterfall took the three days' penalty first, then interest; the rest bore a fourth day's.
  const unpaidInterest = interestBilled - (1_000n - 3n * penaltyOf(interestBilled));
  owedAfterPromise = unpaidInterest + penaltyOf(unpaidInterest);
  const [still] = await casesOfLine();
  expect([still!.id, still!.dpd]).toEqual([open!.id, 4]);
  expect(amountOf(still!.overdueAmount)).toBe(owedAfterPromise);
  await checkLines(t);
});

it('is cured once repaid: unfrozen by the system at the next close and the case closed', async () => {
  user = await signInAgain(t, user);
  const owed = owedAfterPromise;
  await fund(t, user.userId, yuanText(owed));
  const repaid = await post(t, user, `/v1/credit/lines/${line.id}/repayments`, {
    amount: cny(yuanText(owed)),
  });
  expect(repaid.statusCode, repaid.body).toBe(201);
  // Cured at once as far as the figures go; the line is unfrozen by the close.
  expect(await t.platform.credit.delinquency(line.id)).toBeNull();
  expect((await getLine(t, user, line.id)).status).toBe('frozen');

  await closeTo(t, '2026-02-15');
  user = await signInAgain(t, user);
  officer = await signInAgain(t, officer);
  supervisor = await signInAgain(t, supervisor);
  const now = await getLine(t, user, line.id);
  expect(now.status).toBe('active');
  expect(now.frozenReason).toBeNull();
  expect(now.delinquency).toBeNull();
  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  const latest = history.json().items.find((e: { kind: string }) => e.kind === 'unfrozen');
  expect(latest.actor).toBe('system');
  expect(await overdueSearch()).not.toContain(line.id);
  expect(await casesOfLine()).toEqual([]);
  expect(await bookM1('2026-02-15')).toEqual({ 'credit_lines.count': 0n, 'credit_lines.overdue_amount': 0n });
  const closed = await sql<{ status: string; close_reason: string; closed_on: string }>`
    select status, close_reason, closed_on::text as closed_on from collection_cases where line_id = ${line.id}::uuid`.execute(
    t.platform.db,
  );
  expect(closed.rows).toEqual([
    { status: 'closed', close_reason: 'no_longer_overdue', closed_on: '2026-02-15' },
  ]);
  // The line draws again.
  expect(
    (await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('100.00') })).statusCode,
  ).toBe(201);
  await checkLines(t);
});

it('keeps a freeze by staff when the line is cured', async () => {
  const state = (await t.platform.batch.businessDate()) as PlainDate;
  expect(state).toBe('2026-02-16');
  const frozen = await post(t, officer, `/v1/credit/staff/lines/${line.id}/freeze`, {
    reason: 'fraud check',
  });
  expect(frozen.statusCode, frozen.body).toBe(200);
  await closeTo(t, '2026-02-16');
  user = await signInAgain(t, user);
  const now = await getLine(t, user, line.id);
  expect([now.status, now.frozenReason]).toEqual(['frozen', 'fraud check']);
  await checkLines(t);
});
