import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  cny,
  customerWithLine,
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
 * Line management: a risk officer freezes a line with a reason (no draws, the customer sees why) and
 * unfreezes it; a temporary raise is drawn in full and ends in the day-close while in use, so the
 * limit comes down as the principal is repaid; the line closes only once nothing is owed.
 */
let t: TestApp;
let user: TestUser;
let officer: TestUser;
let line: LineJson;
let limit: bigint;
const staffUrl = (what: string) => `/v1/credit/staff/lines/${line.id}/${what}`;

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
  officer = await staffMember(t, ['risk_officer']);
  limit = cents(line.limit.amount);
});
afterAll(() => t.close());

it('freezes with a reason, refusing draws, and unfreezes', async () => {
  expect((await post(t, user, staffUrl('freeze'), { reason: 'mine' })).statusCode).toBe(403);
  const frozen = await post(t, officer, staffUrl('freeze'), { reason: 'suspected account takeover' });
  expect(frozen.statusCode, frozen.body).toBe(200);
  expect(frozen.json().status).toBe('frozen');
  const refused = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('100.00') });
  expect(refused.statusCode).toBe(422);
  expect(refused.json().error.code).toBe('line_frozen');
  expect(
    (await post(t, officer, staffUrl('unfreeze'), { reason: 'customer confirmed by phone' })).statusCode,
  ).toBe(200);
  const history = await t.app.inject({
    method: 'GET',
    url: `/v1/credit/lines/${line.id}/history`,
    headers: user.headers,
  });
  // Newest first; the customer sees that staff acted, not which staff member.
  expect(
    history
      .json()
      .items.map((e: { kind: string; reason: string; actor: string }) => [e.kind, e.reason, e.actor])
      .slice(0, 2),
  ).toEqual([
    ['unfrozen', 'customer confirmed by phone', 'staff'],
    ['frozen', 'suspected account takeover', 'staff'],
  ]);
  expect(history.body).not.toContain('actorId');
  const audited = await sql<{
    action: string;
  }>`select action from audit_log where subject_id = ${line.id} order by at`.execute(t.platform.db);
  expect(audited.rows.map((r) => r.action)).toEqual(['credit.line.frozen', 'credit.line.unfrozen']);
  await checkLines(t);
});

it('takes a temporary raise back at its end, out of principal repaid when it is in use', async () => {
  const today = (await t.platform.batch.businessDate()) as PlainDate;
  const raised = await post(t, officer, staffUrl('raise'), {
    amount: cny('5000.00'),
    endsOn: addDays(today, 1),
    reason: 'holiday spending',
  });
  expect(raised.statusCode, raised.body).toBe(200);
  expect(cents(raised.json().limit.amount)).toBe(limit + 500_000n);
  // All of it drawn: the ledger refuses one cent more.
  const all = limit + 500_000n;
  expect(
    (await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny(yuanText(all)) })).statusCode,
  ).toBe(201);
  const more = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('100.00') });
  expect(more.statusCode).toBe(422);
  expect(more.json().error.code).toBe('exceeds_available_credit');
  await checkLines(t);

  await closeTo(t, addDays(today, 1));
  user = await signInAgain(t, user);
  let after = await getLine(t, user, line.id);
  // The raise ended in use: the limit stays up until principal is repaid, which pays it off first.
  expect(after.temporaryRaise).toBeNull();
  expect(cents(after.available.amount)).toBe(0n);
  const interest = cents(after.owed.interest.amount);
  expect(interest).toBeGreaterThan(0n);
  const repaid = await post(t, user, `/v1/credit/lines/${line.id}/repayments`, {
    amount: cny(yuanText(interest + 600_000n)),
  });
  expect(repaid.statusCode, repaid.body).toBe(201);
  after = await getLine(t, user, line.id);
  expect(cents(after.limit.amount)).toBe(limit);
  expect(cents(after.available.amount)).toBe(100_000n);
  await checkLines(t);
});

it('closes only once nothing is owed', async () => {
  const owed = await post(t, user, `/v1/credit/lines/${line.id}/close`, {});
  expect(owed.statusCode).toBe(422);
  expect(owed.json().error.code).toBe('line_has_debt');
  const now = await getLine(t, user, line.id);
  const debt = cents(now.owed.principal.amount) + cents(now.owed.interest.amount);
  await fund(t, user.userId, yuanText(debt));
  expect(
    (await post(t, user, `/v1/credit/lines/${line.id}/repayments`, { amount: cny(yuanText(debt)) }))
      .statusCode,
  ).toBe(201);
  const closed = await post(t, user, `/v1/credit/lines/${line.id}/close`, {});
  expect(closed.statusCode, closed.body).toBe(200);
  expect(closed.json().status).toBe('closed');
  expect(closed.json().limit).toEqual(cny('0.00'));
  const draw = await post(t, user, `/v1/credit/lines/${line.id}/draws`, { amount: cny('100.00') });
  expect(draw.json().error.code).toBe('line_not_active');
  await checkLines(t);
});
