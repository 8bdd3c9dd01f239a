import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo } from '../support/batch.ts';
import {
  cents,
  checkLines,
  customerWithLine,
  getLine,
  halfUp,
  type LineJson,
  minimumPayment,
  planOnLine,
  repayCents,
  setBilling,
  signInAgain,
  statementsOf,
  yuanText,
} from '../support/credit.ts';
import { fund } from '../support/lending.ts';
import { openTestApp, type TestApp } from '../support/platform.ts';
import type { TestUser } from '../support/users.ts';

/**
 * A purchase billed on a statement whose minimum payment is missed: from the day after the due date
 * the unpaid principal bears penalty interest each day (0.05% half up, recomputed here day by day); a
 * part repayment pays the penalty first, by the waterfall, and the penalty goes on on what is left;
 * the rest repaid, the statement settles and the penalty stops.
 */
let t: TestApp;
let user: TestUser;
let line: LineJson;
const PURCHASE = 300_000n;
const RATE = '0.0005';

beforeAll(async () => {
  t = await openTestApp();
  ({ user, line } = await customerWithLine(t));
});
afterAll(() => t.close());

async function statement() {
  const [s] = await statementsOf(t, user, line.id);
  return s!;
}

it('accrues penalty after the due date, and a repayment pays the penalty first', {
  timeout: 180_000,
}, async () => {
  await setBilling(t, user, line.id, { statementDay: 8, graceDays: 5 });
  await planOnLine(t, user.userId, line.id, {
    kind: 'purchase',
    principal: PURCHASE,
    instalments: 1,
    feeRate: '0',
  });
  await closeTo(t, '2026-01-08');
  user = await signInAgain(t, user);
  let s = await statement();
  expect(s).toMatchObject({ statementDate: '2026-01-08', dueOn: '2026-01-13', status: 'open' });
  expect(cents(s.minPayment.amount)).toBe(
    minimumPayment('0.10', { principal: PURCHASE, fees: 0n, interest: 0n }, 0n),
  );

  // Nothing paid. On the due date itself no penalty; from the next day one a day on what is unpaid.
  await closeTo(t, '2026-01-13');
  expect(cents((await statement()).billed.penalty.amount)).toBe(0n);
  let base = PURCHASE;
  let penalty = 0n;
  for (let d = '2026-01-14' as PlainDate; d <= '2026-01-16'; d = addDays(d, 1)) {
    await closeTo(t, d);
    penalty += halfUp(base, RATE);
    user = await signInAgain(t, user);
    s = await statement();
    expect(cents(s.billed.penalty.amount), d).toBe(penalty);
    expect(s.status).toBe('overdue');
  }
  expect(penalty).toBe(3n * 150n);
  await checkLines(t);

  // A part repayment on the 17th: the penalty first, then the principal, which gives credit back.
  await fund(t, user.userId, '5000.00');
  const available = cents((await getLine(t, user, line.id)).available.amount);
  const part = 10_000n;
  const paid = await repayCents(t, user, line.id, part);
  expect(paid.allocation).toEqual({
    penalty: yuanText(penalty),
    fees: '0.00',
    interest: '0.00',
    principal: yuanText(part - penalty),
  });
  expect(cents((await getLine(t, user, line.id)).available.amount)).toBe(available + part - penalty);
  base -= part - penalty;
  penalty = 0n;
  for (let d = '2026-01-17' as PlainDate; d <= '2026-01-19'; d = addDays(d, 1)) {
    await closeTo(t, d);
    penalty += halfUp(base, RATE);
    user = await signInAgain(t, user);
    s = await statement();
    expect(cents(s.unpaidParts.penalty.amount), d).toBe(penalty);
    expect(cents(s.unpaid.amount)).toBe(base + penalty);
  }
  expect(halfUp(base, RATE)).toBe(145n);

  // Everything the statement owes: the penalty first again; the statement settles, the penalty stops.
  const rest = await repayCents(t, user, line.id, base + penalty);
  expect(rest.allocation).toMatchObject({ penalty: yuanText(penalty), principal: yuanText(base) });
  s = await statement();
  expect(s).toMatchObject({ status: 'paid', settledOn: '2026-01-20' });
  await closeTo(t, '2026-01-22');
  user = await signInAgain(t, user);
  s = await statement();
  expect(cents(s.billed.penalty.amount)).toBe(450n + penalty);
  const after = await getLine(t, user, line.id);
  expect(after.available).toEqual(after.limit);
  expect(after.owed.total.amount).toBe('0.00');
  // Every unit paid: the purchase and the penalty, nothing else.
  const income = await t.platform.ledger.getAccount('platform:credit-penalty-income:CNY');
  expect(income!.creditsPosted - income!.debitsPosted).toBe(450n + penalty);
  await checkLines(t);
});
